import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { backupPrefix, parseBackupFileName } from '../retention/backupFileName.js';
import { InsufficientStorageError } from '../errors.js';
import { regularFilesIn } from './folderFiles.js';

const MIB = 1024 * 1024;
const toMib = (bytes: number) => (bytes / MIB).toFixed(1);

/** Free bytes of the filesystem holding `path`. */
export const statfsFreeSpace = async (path: string): Promise<number> => {
  const { bavail, bsize } = await fs.statfs(path);
  return bavail * bsize;
};

/** `.sql` or `.sql.gz`: an encrypted backup (`.age`) is as large as the plain one it holds, plus 0.03%. */
const sizeKind = (name: string) => name.replace(/\.age$/, '').replace(/^.*(\.sql(?:\.gz)?)$/, '$1');

/**
 * Throws InsufficientStorageError when `dir` has less free space than the newest backup of `database`
 * (with this extension, encrypted or not) took, plus 10% and 8 MiB: a dump that fills the disk would
 * fail anyway, after a long wait. Reads the folder; writes nothing.
 */
export async function ensureFreeSpace(
  dir: string,
  database: string,
  extension: string,
  freeSpace: (path: string) => Promise<number> = statfsFreeSpace,
): Promise<void> {
  const files = await regularFilesIn(dir);
  const ours = (file: string) => {
    const backup = parseBackupFileName(file);
    return backup?.database === backupPrefix(database) && sizeKind(file) === sizeKind(extension) ? backup : undefined;
  };
  const previous = files
    .map(ours)
    .filter((backup) => backup !== undefined)
    .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0];
  // A partial file is a dump that got as far as its size (one that a crash cut short, or still running
  // elsewhere): the next dump needs at least that much room too.
  const partialSizes = await Promise.all(
    files
      .filter((file) => file.endsWith('.partial') && ours(file.slice(0, -'.partial'.length)))
      .map(async (file) => (await fs.stat(join(dir, file)).catch(() => ({ size: 0 }))).size),
  );
  const previousBytes = Math.max(previous ? (await fs.stat(join(dir, previous.file))).size : 0, ...partialSizes);
  const needed = Math.ceil(previousBytes * 1.1) + 8 * MIB;
  const free = await freeSpace(dir);
  if (free < needed) {
    throw new InsufficientStorageError(
      `only ${toMib(free)} MiB free in the backup folder; the next backup needs about ${toMib(needed)} MiB` +
        (previous ? ` (the last one took ${toMib(previousBytes)} MiB)` : ''),
    );
  }
}

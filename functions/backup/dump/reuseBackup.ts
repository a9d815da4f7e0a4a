import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log/Logger.js';
import { DumpFailedError } from '../errors.js';
import type { BackupFolder } from '../folder/BackupFolder.js';
import type { ManifestEntry } from '../folder/BackupManifest.js';
import { fsyncFolder, pathExists } from '../folder/folderFiles.js';
import { sameStamp, stampOf } from '../folder/fileStamp.js';
import type { Problem } from '../Problem.js';
import { formatBackupFileName } from '../retention/backupFileName.js';
import type { Backup } from './BackupCreator.js';
import { finishOffsiteCopy } from './finishOffsiteCopy.js';
import type { OffsiteCopier } from './OffsiteCopier.js';
import { publishBackup } from './publishBackup.js';

/** What reusing a backup needs of its creator. */
export interface ReuseParts {
  folder: BackupFolder;
  offsite?: OffsiteCopier;
  clock: () => Date;
  logger: Logger;
}

/** The backup the new one is made from, as the manifest recorded it (planInstantBackup chose it). */
export interface ReusedBackup {
  file: string;
  sha256: string;
  entry: ManifestEntry;
}

/** Link errors after which the content is copied instead (a filesystem without hard links, too many links). */
const NO_LINK = new Set(['EPERM', 'EXDEV', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Makes a new backup with the content of `from`, the database being unchanged since (no pg_dump
 * runs): a hard link `<name>.partial` to it (a copy where the filesystem has none), read back whole
 * and hashed unless the file is as it was when last hashed (the offsite copy reads it whole too),
 * published under its own timestamped name with
 * its own manifest entry marking where it came from. A link is safe here: no backup file is ever
 * written after it is published (new ones are written as `.partial` and renamed), so a name only
 * ever leaves by rename (rotation to archive/) or unlink (deletion), neither of which touches the
 * other names' content (docs/instant-backups.md). Returns `{ damaged: from.file }`, leaving nothing
 * behind, when `from` no longer matches its checksum: the caller dumps instead, and says so.
 */
export async function reuseBackup(
  parts: ReuseParts,
  from: ReusedBackup,
  run: {
    database: string;
    extension: string;
    startedAt: Date;
    clockStart: Date;
    generation?: number;
    offsiteSkipped?: Problem;
    encryptedFor?: number;
  },
): Promise<Backup | { damaged: string }> {
  const { folder, offsite, clock, logger } = parts;
  const source = folder.path(from.file);
  const stamp = stampOf(await fs.stat(source, { bigint: true }));
  const { file, partialPath, linked } = await linkOrCopy(source, folder.dir, run.database, run.startedAt, run.extension);
  const path = join(folder.dir, file);
  const skipped = run.offsiteSkipped;
  const copy = skipped
    ? undefined
    : await offsite?.begin(file, partialPath).catch((error: unknown) => {
        logger.warn('backup.offsite_not_started', { file, error });
        return undefined;
      });
  try {
    // The file unchanged since its bytes were hashed (the same inode, size and time; a link shares them)
    // still matches its checksum; any other is read back whole (and copied offsite on the way), and one
    // that no longer matches, or that changed while it was read, is never repeated.
    const reread = !(linked && !copy && sameStamp(from.entry.hashed, stamp));
    const sha256 = reread ? await hashFile(partialPath, (chunk) => copy?.write(chunk)) : from.sha256;
    const hashed = reread ? stampOf(await fs.stat(partialPath, { bigint: true })) : stamp;
    if (sha256 !== from.sha256 || (linked && hashed.mtimeNs !== stamp.mtimeNs)) {
      logger.error('backup.previous_damaged', { file: from.file, recorded: from.sha256, found: sha256 });
      await copy?.abandon();
      await fs.rm(partialPath, { force: true });
      return { damaged: from.file };
    }
    if (!linked) await syncFile(partialPath);
    const { size: bytes } = await fs.stat(partialPath);
    const { contents, origin } = from.entry;
    await folder.manifest
      .record(file, sha256, contents, {
        durationMs: clock().getTime() - run.clockStart.getTime(),
        startedAtMs: run.clockStart.getTime(),
        ...(run.generation === undefined ? {} : { generation: run.generation }),
        hashed,
        ...(origin ? { origin: { ...origin, madeFrom: from.file } } : {}),
      })
      .catch((error: unknown) => logger.warn('manifest.not_recorded', { file, error }));
    await publishBackup(partialPath, path);
    await fsyncFolder(folder.dir);
    const backup: Backup = {
      file,
      path,
      bytes,
      sha256,
      startedAt: run.startedAt.toISOString(),
      durationMs: clock().getTime() - run.clockStart.getTime(),
      contents: { rows: contents?.rows ?? {}, largeObjects: contents?.largeObjects ?? 0 },
      unchangedSince: from.file,
      ...(run.encryptedFor === undefined ? {} : { encrypted: true as const, recipients: run.encryptedFor }),
    };
    if (copy) backup.offsite = await finishOffsiteCopy(copy, backup, contents, parts);
    else if (skipped && offsite) backup.offsite = offsite.skipped(file, skipped);
    const { contents: _, offsite: copied, ...logged } = backup;
    logger.info('backup.created', {
      ...logged,
      linked,
      reread,
      ...(copied ? { offsite: { url: copied.url, status: copied.status, ms: copied.ms } } : {}),
    });
    return backup;
  } catch (error) {
    await copy?.abandon();
    await fs.rm(partialPath, { force: true });
    throw error;
  }
}

/** `<name>.partial` as a hard link to `source` (a copy where links fail), moving on by a millisecond while the name is taken. */
async function linkOrCopy(source: string, dir: string, database: string, startedAt: Date, extension: string) {
  for (let offset = 0; offset < 1000; offset++) {
    const file = formatBackupFileName(database, new Date(startedAt.getTime() + offset), extension);
    const partialPath = join(dir, `${file}.partial`);
    if (await pathExists(join(dir, file))) continue;
    try {
      await fs.link(source, partialPath);
      return { file, partialPath, linked: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      if (!NO_LINK.has(code)) throw error;
    }
    try {
      await fs.copyFile(source, partialPath, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      return { file, partialPath, linked: false };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new DumpFailedError(`no free backup name near ${startedAt.toISOString()} in ${dir}`);
}

async function hashFile(path: string, onChunk: (chunk: Buffer) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    onChunk(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function syncFile(path: string): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

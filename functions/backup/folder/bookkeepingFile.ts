import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { AppError } from '../../errors/AppError.js';

/** A symlink where the service keeps one of its own files: planted by someone else, never followed. */
export class PlantedSymlinkError extends AppError {
  constructor(readonly path: string) {
    super('PLANTED_SYMLINK', `${path} is a symlink, not the service's own file: it is not followed; remove it`, { expose: true });
  }
}

/** Something else than a regular file (a FIFO, a device, a folder) where the service keeps one of its own files. */
export class NotAFileError extends AppError {
  constructor(readonly path: string) {
    super('NOT_A_FILE', `${path} is not a regular file, not the service's own file: it is not read; remove it`, { expose: true });
  }
}

/** Far more than any of the service's own bookkeeping files grows to (a manifest line is ~100 bytes). */
const MAX_BOOKKEEPING_BYTES = 64 * 1024 * 1024;

/**
 * Reads one of the service's bookkeeping files in the backup folder (status, names) without following
 * a symlink planted under its name (O_NOFOLLOW). Undefined when the file does not exist.
 */
export async function readBookkeepingFile(path: string): Promise<string | undefined> {
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: a FIFO planted under the name must not hang the open (for a regular file it changes nothing).
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Missing, or a folder on its path is not one (an `archive` that is a file): nothing recorded there.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw new PlantedSymlinkError(path);
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new NotAFileError(path);
    if (stat.size > MAX_BOOKKEEPING_BYTES) {
      throw new AppError(
        'BOOKKEEPING_TOO_LARGE',
        `${path} is ${stat.size} bytes, far more than the service writes: it is not read; remove it`,
        {
          expose: true,
        },
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Replaces a bookkeeping file atomically: the content goes to a new temporary file created exclusively
 * (O_CREAT|O_EXCL never follows a symlink: whatever already has that name makes it fail), which is
 * then renamed over `path` (a rename replaces a symlink there; it never writes through it).
 */
export async function writeBookkeepingFile(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
    await fs.rename(temporary, path);
  } catch (error) {
    // The folder may be what failed (gone, not a folder): cleaning up must not replace the real error.
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

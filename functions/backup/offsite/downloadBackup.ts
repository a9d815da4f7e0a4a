import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InsufficientStorageError } from '../errors.js';
import { statfsFreeSpace } from '../folder/ensureFreeSpace.js';
import type { BackupBucket } from './BackupBucket.js';
import { offsiteError } from './offsiteError.js';
import { BUCKET_LIMITS_MS, withDeadline } from './withDeadline.js';

/** A backup's copy downloaded from the bucket into a private temporary folder. */
export interface DownloadedBackup {
  /** `<temporary folder>/<file>`: the backup's own name, so that its extension (`.sql.gz`) still says how to read it. */
  path: string;
  sha256: string;
  bytes: number;
  /** Removes the temporary folder and the file in it; safe to call twice. */
  remove(): Promise<void>;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Where the temporary folder is made: the system's (`TMPDIR`) by default. */
  tempRoot?: string;
  freeSpace?: (path: string) => Promise<number>;
  /** How long the server may take to answer (BUCKET_LIMITS_MS.answer); the bytes then flow under the SDK's idle timeout. */
  answerLimitMs?: number;
  /** Hears the bytes written so far and the object's size. */
  onProgress?: (bytes: number, total: number) => void;
}

const MIB = 1024 * 1024;
const toMib = (bytes: number) => (bytes / MIB).toFixed(1);

/**
 * Streams the object `key` into a new temporary folder (0700) as `file` (0600), hashing it on the way
 * (sha256, one pass). Refuses before writing when the folder's filesystem has less room than the object
 * plus 8 MiB, saying where and how much; a full disk or a failed or stopped transfer removes what was
 * written. The caller removes the copy when done with it.
 */
export async function downloadBackup(
  bucket: BackupBucket,
  key: string,
  file: string,
  options: DownloadOptions = {},
): Promise<DownloadedBackup> {
  const tempRoot = options.tempRoot ?? tmpdir();
  const folder = await mkdtemp(join(tempRoot, 'notes-offsite-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  const path = join(folder, file);
  const noRoom = (bytes: number, free: number) =>
    new InsufficientStorageError(
      `${bucket.url(key)} is ${toMib(bytes)} MiB and ${tempRoot} (the temporary folder) has ${toMib(free)} MiB free: ` +
        'it needs the whole backup plus 8 MiB; set TMPDIR to a folder with room',
    );
  try {
    const { body, bytes } = await withDeadline(
      options.answerLimitMs ?? BUCKET_LIMITS_MS.answer,
      bucket.url(key),
      (signal) => bucket.download(key, signal),
      options.signal,
    );
    const free = await (options.freeSpace ?? statfsFreeSpace)(folder);
    if (free < bytes + 8 * MIB) {
      body.destroy();
      throw noRoom(bytes, free);
    }
    const hash = createHash('sha256');
    let written = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        written += chunk.length;
        options.onProgress?.(written, bytes);
        done(null, chunk);
      },
    });
    const out = await open(path, 'wx', 0o600);
    try {
      await pipeline(body, tap, out.createWriteStream(), options.signal ? { signal: options.signal } : {});
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') throw noRoom(bytes, await statfsFreeSpace(folder).catch(() => 0));
      // Writing the copy failed (the file system's own words); anything else is the transfer's failure.
      if (['open', 'write', 'close'].includes((error as NodeJS.ErrnoException).syscall ?? '')) throw error;
      throw offsiteError(error, bucket.url(key));
    } finally {
      await out.close().catch(() => undefined);
    }
    if (written !== bytes) {
      throw offsiteError(new Error(`the transfer ended after ${written} of ${bytes} bytes`), bucket.url(key));
    }
    return { path, sha256: hash.digest('hex'), bytes: written, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

import { once } from 'node:events';
import type * as fs from 'node:fs/promises';
import { DumpFailedError } from '../errors.js';
import type { DumpScanner } from '../sql/DumpScanner.js';
import type { DumpSource } from './DumpSource.js';
import { gunzipIntoScanner } from './gunzipIntoScanner.js';
import { hashWhileWritten } from './hashWhileWritten.js';

export interface UnencryptedWrite {
  handle: fs.FileHandle;
  partialPath: string;
  source: DumpSource;
  /** Gzip at this level (the source compresses: pg_dump's own gzip); plain SQL when absent. */
  gzipLevel?: number;
  /** Takes the SQL (gunzipped first for a gzip backup): rows and sections are counted here. */
  scanner: DumpScanner;
  signal?: AbortSignal;
  /** Each chunk of the file as stored, e.g. for its offsite copy: a dump is opaque. */
  onFileChunk?: (chunk: Buffer) => unknown;
  flushEveryBytes: number;
}

/**
 * Writes a plain or gzip backup: the source writes straight into the open partial file, which is
 * hashed as it grows and scanned on the way (gunzipped first for gzip), without a second pass.
 * Returns the sha256 of the file as stored. The hash reader finishes (and closes the file) before
 * anything else happens, even when the dump failed: an open reader would keep a removed partial
 * file's space in use. The caller removes the partial file on failure.
 */
export async function writeUnencrypted(write: UnencryptedWrite): Promise<string> {
  const { handle, partialPath, source, gzipLevel, scanner, signal, onFileChunk, flushEveryBytes } = write;
  if (gzipLevel === undefined) {
    const dumping = source.dumpTo(handle.fd, { signal });
    const sha256 = await hashWhileWritten(
      partialPath,
      dumping,
      (chunk) => {
        onFileChunk?.(chunk);
        scanner.push(chunk);
      },
      flushEveryBytes,
    );
    await dumping;
    return sha256;
  }
  const { gunzip, scanned: checked } = gunzipIntoScanner(scanner);
  try {
    const dumping = source.dumpTo(handle.fd, { gzipLevel, signal });
    const sha256 = await hashWhileWritten(
      partialPath,
      dumping,
      async (chunk) => {
        onFileChunk?.(chunk);
        if (!gunzip.write(chunk)) await once(gunzip, 'drain');
      },
      flushEveryBytes,
    );
    await dumping;
    gunzip.end();
    if ((await handle.stat()).size === 0) throw new DumpFailedError('pg_dump wrote nothing');
    const corrupt = await checked;
    if (corrupt) throw new DumpFailedError(`the compressed dump is corrupt: ${corrupt.message}`, { cause: corrupt });
    return sha256;
  } finally {
    gunzip.destroy();
  }
}

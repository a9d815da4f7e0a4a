import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type * as fs from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ageOutputOnly } from '../encryption/ageOutputOnly.js';
import { BackupCancelledError, DumpFailedError } from '../errors.js';
import type { DumpScanner } from '../sql/DumpScanner.js';
import type { DumpSource } from './DumpSource.js';
import { gunzipIntoScanner } from './gunzipIntoScanner.js';
import { hashWhileWritten } from './hashWhileWritten.js';

/** How far (compressed bytes) the scan of a gzip backup may trail the dump before pg_dump waits for it. */
const SCAN_LAG_BYTES = 8 * 1024 * 1024;

export interface EncryptedWrite {
  handle: fs.FileHandle;
  partialPath: string;
  source: DumpSource;
  /** The encryption stream (encryptAge's): plaintext in, an age file out. */
  encryptor: Transform;
  gzipLevel?: number;
  /** Takes the plaintext SQL (gunzipped first for a gzip backup): rows and sections are counted here. */
  scanner: DumpScanner;
  signal?: AbortSignal;
  /** Each chunk of the file as stored (ciphertext), e.g. for its offsite copy. */
  onFileChunk?: (chunk: Buffer) => unknown;
  flushEveryBytes: number;
}

/**
 * Writes an encrypted backup into the open partial file and returns the sha256 of the file as stored.
 * The source's output (SQL, or gzip when `gzipLevel` is set) flows through memory only: it is scanned
 * on its way into the encryptor, whose output (checked to be an age file) alone reaches the file, with
 * backpressure from the disk back to pg_dump. The file is hashed as it grows, like a plain backup's.
 * Throws DumpFailedError when the encryptor fails (its reason first: a pg_dump stopped because the
 * encryptor broke is no pg_dump failure), the source's error when the dump fails; the caller removes
 * the partial file.
 */
export async function writeEncrypted(write: EncryptedWrite): Promise<string> {
  const { handle, partialPath, source, encryptor, gzipLevel, scanner, signal } = write;
  let plaintextBytes = 0;
  const { gunzip, scanned } =
    gzipLevel === undefined ? { gunzip: undefined, scanned: Promise.resolve(undefined) } : gunzipIntoScanner(scanner);
  const plaintext = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      plaintextBytes += chunk.length;
      if (!gunzip) {
        scanner.push(chunk);
        return done(null, chunk);
      }
      // The scan may fall behind by SCAN_LAG_BYTES of gzip: pg_dump's compression and our gunzip then
      // run side by side on two cores instead of taking turns (1.37× a gzip backup's time when they did).
      if (gunzip.write(chunk) || gunzip.writableLength < SCAN_LAG_BYTES) return done(null, chunk);
      // A corrupt gzip ends the scan without a drain: `scanned` then settles, and the corruption is reported below.
      void Promise.race([once(gunzip, 'drain').catch(() => undefined), scanned]).then(() => done(null, chunk));
    },
    flush(done) {
      gunzip?.end();
      done();
    },
  });
  // By its descriptor: a stream made from the FileHandle holds it open until the stream closes it, and
  // the caller still syncs and closes the handle itself.
  const file = createWriteStream(partialPath, { fd: handle.fd, autoClose: false });
  const encrypted = pipeline(plaintext, encryptor, ageOutputOnly(), file).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  try {
    const dumped = source.dumpTo(plaintext, { ...(gzipLevel === undefined ? {} : { gzipLevel }), signal }).then(
      () => undefined,
      (error: unknown) => {
        // A failed dump may leave the stream open: closing it lets the file stop growing.
        plaintext.destroy(error as Error);
        return error as Error;
      },
    );
    const written = Promise.all([dumped, encrypted]);
    const sha256 = await hashWhileWritten(partialPath, written, write.onFileChunk, write.flushEveryBytes);
    const [dumpError, encryptError] = await written;
    if (encryptError && encryptError !== dumpError && !(dumpError instanceof BackupCancelledError)) {
      throw new DumpFailedError(`encrypting the backup failed: ${encryptError.message}; no backup was written`, {
        cause: encryptError,
      });
    }
    if (dumpError) throw dumpError;
    if (plaintextBytes === 0) throw new DumpFailedError('pg_dump wrote nothing');
    const corrupt = await scanned;
    if (corrupt) throw new DumpFailedError(`the compressed dump is corrupt: ${corrupt.message}`, { cause: corrupt });
    return sha256;
  } finally {
    gunzip?.destroy();
    plaintext.destroy();
  }
}

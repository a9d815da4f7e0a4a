import type { DatabaseFingerprint } from '../../backup/fingerprint/DatabaseFingerprint.js';
import { readFingerprintAt } from '../../backup/fingerprint/readFingerprint.js';
import type { PGlite } from '@electric-sql/pglite';
import { write } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { LEGACY_BACKUP_NAME } from './DataFolder.js';
import { dumpPglite, PGLITE_DUMP_SHAPE } from './dumpPglite.js';
import type { DumpSource } from '../../backup/dump/DumpSource.js';
import { DumpFailedError } from '../../backup/errors.js';

const writeToFd = promisify(write);
const gzipAsync = promisify(gzip);
const SLICE_BYTES = 1024 * 1024;

/**
 * Dumps the embedded PGlite database with the WASM pg_dump of `@electric-sql/pglite-tools`. That
 * pg_dump builds the whole dump in memory (and always uses `--inserts`), so this path is for the
 * small databases of a first run; a real server and the native pg_dump stream instead.
 */
export class PgliteDumpSource implements DumpSource {
  constructor(
    private readonly db: PGlite,
    /**
     * The name backups are filed under (PGlite's own database is always `postgres`): its data folder's
     * own (EmbeddedDatabase.backupName), so that data folders sharing a backup folder never rotate each
     * other's backups; `notes` for one opened otherwise (in memory).
     */
    readonly name = LEGACY_BACKUP_NAME,
    /**
     * The database's socket URL (EmbeddedDatabase.url), which fingerprints are read through: the socket
     * runs a client's statement only between other clients' transactions, never inside one. Without
     * it every backup is a dump.
     */
    url?: string,
  ) {
    if (url) this.fingerprint = () => readFingerprintAt({ connectionString: url });
  }

  /** Read through the socket like any client's query; absent without the socket's URL. */
  readonly fingerprint?: () => Promise<DatabaseFingerprint>;

  /** The WASM pg_dump's package and version, and its options. */
  dumpShape(): string {
    return PGLITE_DUMP_SHAPE;
  }

  async prepare(): Promise<{ database: string }> {
    if (this.db.closed) throw new DumpFailedError('the embedded database is closed');
    return { database: this.name };
  }

  /** The WASM pg_dump cannot be interrupted: a cancelled backup still finishes its (small) dump. */
  async dumpTo(target: number | Writable, options: { gzipLevel?: number } = {}): Promise<void> {
    let dump: Buffer;
    try {
      dump = await dumpPglite(this.db);
      if (options.gzipLevel !== undefined) dump = await gzipAsync(dump, { level: options.gzipLevel });
    } catch (error) {
      throw new DumpFailedError(`the embedded pg_dump failed: ${(error as Error).message}`, { cause: error });
    }
    try {
      if (typeof target !== 'number') await pipeline(Readable.from(slices(dump)), target);
      else {
        for (let offset = 0; offset < dump.length; ) {
          offset += (await writeToFd(target, dump, offset, dump.length - offset)).bytesWritten;
        }
      }
    } catch (error) {
      // A full disk (ENOSPC) or a failing one: the backup failed, in the words of the error.
      throw new DumpFailedError(`writing the dump failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** The dump in 1 MiB pieces (views, no copies), so that a stream takes it with backpressure. */
function* slices(dump: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < dump.length; offset += SLICE_BYTES) yield dump.subarray(offset, offset + SLICE_BYTES);
}

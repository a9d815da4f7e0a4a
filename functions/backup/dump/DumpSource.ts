import type { Writable } from 'node:stream';
import type { DatabaseFingerprint } from '../fingerprint/DatabaseFingerprint.js';

/**
 * Where a backup's SQL comes from. The BackupCreator knows only this interface: naming, the atomic
 * write, the checksum and the checks on the result are the same whatever dumps the database.
 */
export interface DumpSource {
  /** The name backups are filed under when the source knows it without connecting (the embedded database's). */
  readonly name?: string;
  /**
   * Checks that the database can be dumped now; returns its name, which the backup file is named
   * after, and the database server's clock when it has one of its own (the embedded database shares
   * this process's).
   */
  prepare(): Promise<{ database: string; serverTime?: Date }>;
  /**
   * Writes a complete plain-SQL dump (schema and data), gzip-compressed at `gzipLevel` when given, or
   * throws a BackupError. `target` is an open file descriptor (the dump goes straight into the file)
   * or a stream (an encrypted backup: written with backpressure and ended when the source has written
   * all it will; a stream that fails fails the dump). A source that can be interrupted stops when
   * `signal` aborts and throws BackupCancelledError.
   */
  dumpTo(target: number | Writable, options?: { gzipLevel?: number; signal?: AbortSignal }): Promise<void>;
  /**
   * The database's fingerprint now (docs/instant-backups.md): a backup is made from the previous one
   * only when it equals the one recorded with that backup. A source without it always dumps.
   */
  fingerprint?(): Promise<DatabaseFingerprint>;
  /**
   * What, besides the database, shapes this source's dump: the pg_dump and its version, its options,
   * the role it dumps as. Known after `prepare`. A backup made by another shape is never reused.
   */
  dumpShape?(): string;
}

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
   * Writes a complete plain-SQL dump (schema and data) to the open file descriptor `fd`,
   * gzip-compressed at `gzipLevel` when given, or throws a BackupError. A source that can be
   * interrupted stops when `signal` aborts and throws BackupCancelledError.
   */
  dumpTo(fd: number, options?: { gzipLevel?: number; signal?: AbortSignal }): Promise<void>;
}

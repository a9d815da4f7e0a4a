/**
 * Every default of the backup service, in one table: loadConfig falls back to these, and the classes
 * use them when built without a configuration (tests, the bench).
 */
export const DEFAULTS = {
  /** BACKUP_KEEP_LAST: the newest backups kept, however old. */
  keepLast: 5,
  /** BACKUP_KEEP_WEEKS: Sunday–Saturday weeks, counting the current one, whose newest backup is kept. */
  keepWeeks: 4,
  /** BACKUP_KEEP_MONTHS: calendar months, counting the current one, whose newest backup is kept. */
  keepMonths: 12,
  /** BACKUP_ARCHIVE_MONTHS: archived backups older than this many calendar months are deleted. */
  archiveMonths: 12,
  /** BACKUP_TZ: the zone weeks and months are counted in. */
  timeZone: 'UTC',
  /** PG_DUMP_PATH */
  pgDumpPath: 'pg_dump',
  /** BACKUP_TIMEOUT_MS: pg_dump running longer is stopped. */
  timeoutMs: 15 * 60_000,
  /** BACKUP_LOCK_WAIT_TIMEOUT_MS: pg_dump --lock-wait-timeout. */
  lockWaitTimeoutMs: 30_000,
  /** BACKUP_COMPRESS_LEVEL: the gzip level with BACKUP_COMPRESS=gzip. */
  gzipLevel: 6,
  /** BACKUP_FILE_MODE */
  fileMode: 0o600,
  /**
   * BACKUP_CLOCK_TOLERANCE_MS: the API's and the database server's clocks may disagree this much before
   * rotation is held back; a backup named this far after now is future-dated.
   */
  clockToleranceMs: 5 * 60_000,
  /** A folder lock its holder stopped refreshing this long ago is taken over. */
  lockStaleMs: 20_000,
  /**
   * POST /db-backup's `?wait` and `db-backup rotate --wait`: how long, in seconds, a run waits for
   * another run (a backup, a rotation) that holds the backup folder.
   */
  waitSeconds: 60,
  /** The longest wait either may ask for, in seconds. */
  maxWaitSeconds: 900,
} as const;

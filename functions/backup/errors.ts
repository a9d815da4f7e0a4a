/**
 * Errors of the backup service. Each carries the HTTP status and the stable code the API answers
 * with; its message is written to be safe to show (secrets already redacted). Internal details,
 * such as pg_dump's stderr, travel in `detail` and `cause`, which are logged and never answered.
 */
export class BackupError extends Error {
  readonly statusCode: number = 500;
  readonly code: string = 'BACKUP_FAILED';
  readonly detail?: string;

  constructor(message: string, options: { cause?: unknown; detail?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail;
  }
}

/** Another backup or rotation holds the folder's lock. */
export class BackupInProgressError extends BackupError {
  override readonly statusCode = 409;
  override readonly code = 'BACKUP_IN_PROGRESS';
}

/** The database server cannot be reached or refuses the connection. */
export class DatabaseUnavailableError extends BackupError {
  override readonly statusCode = 503;
  override readonly code = 'DATABASE_UNAVAILABLE';
}

/** pg_dump is missing, too old for the server, or failed; `detail` holds its (redacted) stderr. */
export class DumpFailedError extends BackupError {
  override readonly statusCode = 500;
  override readonly code = 'DUMP_FAILED';
}

/** The configuration (environment variables or flags) is invalid. */
export class ConfigError extends BackupError {
  override readonly statusCode = 500;
  override readonly code = 'BAD_CONFIGURATION';
}

/** Not enough free space in the backup folder for the next backup; nothing was changed. */
export class InsufficientStorageError extends BackupError {
  override readonly statusCode = 507;
  override readonly code = 'INSUFFICIENT_STORAGE';
}

/** The backup was cancelled because the API is shutting down (`npm start` leaving); nothing was left half-done. */
export class BackupCancelledError extends BackupError {
  override readonly statusCode = 503;
  override readonly code = 'BACKUP_CANCELLED';
}

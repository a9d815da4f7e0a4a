import { AppError, type AppErrorOptions } from '../errors/AppError.js';

type Options = Omit<AppErrorOptions, 'expose'>;

/**
 * Errors of the backup service. Their messages are written for the operator and are safe to show
 * (secrets already redacted), so they are exposed whatever their status: "pg_dump 15 cannot dump a
 * PostgreSQL 17 server" is what the caller needs to read. Internal details, such as pg_dump's
 * stderr, travel in `detail` and `cause`, which are logged and never answered.
 */
export class BackupError extends AppError {
  constructor(code: string, message: string, options: Options = {}) {
    super(code, message, { ...options, expose: true });
  }
}

/** Another backup or rotation holds the folder's lock. */
export class BackupInProgressError extends BackupError {
  constructor(message: string, options?: Options) {
    super('BACKUP_IN_PROGRESS', message, options);
  }
}

/** pg_dump is missing, too old for the server, or failed; `detail` holds its (redacted) stderr. */
export class DumpFailedError extends BackupError {
  constructor(message: string, options?: Options) {
    super('DUMP_FAILED', message, options);
  }
}

/** Not enough free space in the backup folder for the next backup; nothing was changed. */
export class InsufficientStorageError extends BackupError {
  constructor(message: string, options?: Options) {
    super('INSUFFICIENT_STORAGE', message, options);
  }
}

/** The backup was cancelled because the API is shutting down (`npm start` leaving); nothing was left half-done. */
export class BackupCancelledError extends BackupError {
  constructor(message: string, options?: Options) {
    super('BACKUP_CANCELLED', message, options);
  }
}

/** The backup folder (BACKUP_DIR) does not exist: most often a volume that was not mounted. Nothing is created in its place. */
export class BackupFolderMissingError extends BackupError {
  constructor(message: string, options?: Options) {
    super('BACKUP_DIR_MISSING', message, options);
  }
}

/** The backup folder exists but this process cannot write to it (or it is not a folder). */
export class BackupFolderNotWritableError extends BackupError {
  constructor(message: string, options?: Options) {
    super('BACKUP_DIR_NOT_WRITABLE', message, options);
  }
}

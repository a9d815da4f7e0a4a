import { AppError, type AppErrorOptions } from '../errors/AppError.js';

type Options = Omit<AppErrorOptions, 'expose'>;

/*
 * The three ways reaching the database fails, one code each (statusOf.ts maps them). Their messages
 * say what to do, name the server and the user but never a password, and are shown to whoever asked.
 */

/** The server cannot be reached, or dropped the connection: it may answer again shortly. */
export class DatabaseUnavailableError extends AppError {
  constructor(message: string, options: Options = {}) {
    super('DATABASE_UNAVAILABLE', message, { ...options, expose: true });
  }
}

/** The server answers, but the database the settings name does not exist on it (SQLSTATE 3D000). */
export class DatabaseMissingError extends AppError {
  constructor(message: string, options: Options = {}) {
    super('DATABASE_MISSING', message, { ...options, expose: true });
  }
}

/** The server answers, but refuses the login: a wrong password, an unknown role, no pg_hba.conf entry (28P01, 28000). */
export class DatabaseLoginRefusedError extends AppError {
  constructor(message: string, options: Options = {}) {
    super('DATABASE_LOGIN_REFUSED', message, { ...options, expose: true });
  }
}

/** The server answers and the login works, but the role lacks a privilege on the notes' tables or sequences (42501). */
export class DatabasePermissionDeniedError extends AppError {
  constructor(message: string, options: Options = {}) {
    super('DATABASE_PERMISSION_DENIED', message, { ...options, expose: true });
  }
}

/**
 * A transaction the server aborted as a deadlock (40P01) or a serialization failure (40001) every time
 * it was tried: nothing was changed, and trying again later may well succeed.
 */
export class TransactionConflictError extends AppError {
  constructor(
    readonly attempts: number,
    options: Options = {},
  ) {
    super(
      'TRANSACTION_CONFLICT',
      `the database aborted this change ${attempts} times because of concurrent changes to the same rows; nothing was changed, try again`,
      { ...options, expose: true, headers: { 'Retry-After': '1' } },
    );
  }
}

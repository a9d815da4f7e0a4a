import { AppError } from '../../errors/AppError.js';

/** The restore could not start or psql stopped on an error (the message has the line and the error). */
export class RestoreFailedError extends AppError {
  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(options.code ?? 'RESTORE_FAILED', message, { expose: true, cause: options.cause });
  }
}

import { AppError } from '../errors/AppError.js';

/** A folder, note or tag that does not exist. */
export class NotFoundError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('NOT_FOUND', message, options);
  }
}

/** A name already taken (a folder's name under its parent). */
export class ConflictError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFLICT', message, options);
  }
}

import { AppError } from '../functions/errors/AppError.js';

/** The function could not be invoked, failed, or answered something that is not an HTTP result: 502, message shown. */
export class BadGatewayError extends AppError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { ...options, expose: true });
  }
}

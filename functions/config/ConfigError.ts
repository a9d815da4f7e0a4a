import { AppError } from '../errors/AppError.js';

/** The configuration (environment variables or flags) is invalid; the message names the setting and is shown. */
export class ConfigError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('BAD_CONFIGURATION', message, { ...options, expose: true });
  }
}

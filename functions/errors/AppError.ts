export interface AppErrorOptions {
  cause?: unknown;
  /** Internal details (e.g. pg_dump's redacted stderr): logged, never answered. */
  detail?: string;
  /** Whether the message may be shown to the client; by default only below 500. */
  expose?: boolean;
  /** Extra response headers (`Allow`, `WWW-Authenticate`). */
  headers?: Record<string, string>;
}

/**
 * The one base of the API's errors: an HTTP status, a stable code, a message, and whether that
 * message may reach the client (`expose`, by default only for statuses below 500). The one
 * error-to-HTTP mapping (`errorResponse`) reads nothing else.
 */
export class AppError extends Error {
  readonly expose: boolean;
  readonly detail?: string;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.expose = options.expose ?? status < 500;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

export interface AppErrorOptions {
  cause?: unknown;
  /** Internal details (e.g. pg_dump's redacted stderr): logged, never answered. */
  detail?: string;
  /**
   * Whether the message is written for whoever asked and safe to show (secrets already redacted). When
   * not said, the HTTP edge shows it for statuses below 500 only.
   */
  expose?: boolean;
  /** Extra response headers (`Allow`, `WWW-Authenticate`). */
  headers?: Record<string, string>;
}

/**
 * The one base of the product's errors: a stable code that says what happened, a message for the
 * operator, and the domain's facts (in subclasses). Never an HTTP status: the HTTP edge maps codes to
 * statuses in one table (functions/http/statusOf.ts), and the command lines print the message.
 */
export class AppError extends Error {
  readonly expose?: boolean;
  readonly detail?: string;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.expose = options.expose;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

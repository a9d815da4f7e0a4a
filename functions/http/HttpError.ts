/** A client-facing HTTP error raised by the API layer itself (wrong method, bad request); its message is shown. */
export class HttpError extends Error {
  readonly expose = true;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

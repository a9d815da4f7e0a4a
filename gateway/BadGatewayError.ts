/** The function could not be invoked, failed, or answered something that is not an HTTP result: 502. */
export class BadGatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BadGatewayError';
  }
}

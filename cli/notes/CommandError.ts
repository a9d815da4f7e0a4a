/** A command that reached the API but could not be done (no such folder, a backup that failed): exit status 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

import { constants } from 'node:os';

/**
 * A command stopped by a signal (Ctrl-C, a stop) once it had cleaned up: the CLIs print its message and
 * exit with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as a shell reports a command it interrupted.
 */
export class InterruptedError extends Error {
  readonly exitStatus: number;

  constructor(
    readonly signal: NodeJS.Signals,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'InterruptedError';
    this.exitStatus = 128 + (constants.signals[signal] ?? 0);
  }
}

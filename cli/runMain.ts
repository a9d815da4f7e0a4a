import { InterruptedError } from './InterruptedError.js';
import { printable } from './printable.js';
import { UsageError } from './UsageError.js';

export interface MainOptions {
  /** Ends the process with the status (or records it, for a server that goes on running). */
  exit?: (status: number) => void;
  /** Where the one error line goes. */
  printError?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** A one-line description of anything thrown: an Error's message, else a code or the value itself. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    if (typeof message === 'string') return message;
    if (typeof code === 'string') return `failed (${code})`;
    return JSON.stringify(error);
  }
  return String(error);
}

/**
 * The one way every command line ends: runs `main`, then exits with the status it returned (0 when
 * it returns no number). A failure prints one line, `<program>: <message>`, and exits 2 for a UsageError, 128 + the
 * signal's number for an InterruptedError (130 for Ctrl-C), 1 for anything else; the stack trace only with DEBUG set. Both are printable: a message quoting user text
 * (a folder's name, the API's words) shows its control characters instead of sending them.
 */
export async function runMain(program: string, main: () => Promise<unknown>, options: MainOptions = {}): Promise<void> {
  const exit = options.exit ?? ((status: number) => void (process.exitCode = status));
  const printError = options.printError ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let status: number;
  try {
    const result = await main();
    status = typeof result === 'number' ? result : 0;
  } catch (error) {
    const message = describe(error);
    printError(printable(`${program}: ${message}`));
    const debug = (options.env ?? process.env).DEBUG?.trim();
    if (debug && !['0', 'false', 'no'].includes(debug.toLowerCase()) && error instanceof Error && error.stack) {
      printError(printable(error.stack, { multiline: true }));
    }
    status = error instanceof UsageError ? 2 : error instanceof InterruptedError ? error.exitStatus : 1;
  }
  exit(status);
}

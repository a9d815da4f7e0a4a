import yoctoSpinner from 'yocto-spinner';
import { ApiError, formatSeconds, type ApiClient } from './ApiClient.js';
import { formatBackup } from './format.js';
import type { Output } from './Output.js';

export interface TakeBackupOptions {
  timeoutMs: number;
  /** Aborts the wait (a second Ctrl-C). */
  signal?: AbortSignal;
  /** What happens to the backup when the wait is aborted, for the line that says so. */
  afterStop?: string;
}

/**
 * Asks the API for a backup and says how it went: a spinner (on a terminal) or a plain line while
 * waiting, then one result line on stdout, or a warning on stderr saying that no backup was taken and
 * why. Never throws; returns whether a backup was written.
 */
export async function takeBackup(api: ApiClient, output: Output, options: TakeBackupOptions): Promise<boolean> {
  const waiting = `Backing up the database (${api.baseUrl}, up to ${formatSeconds(options.timeoutMs)})…`;
  // handleSignals: false — the spinner must not install SIGINT/SIGTERM handlers that exit the process.
  const spinner = output.interactive
    ? yoctoSpinner({ text: waiting, stream: output.err as NodeJS.WriteStream, handleSignals: false }).start()
    : undefined;
  if (!spinner) output.note(waiting);
  try {
    const answer = await api.backup(options);
    spinner?.stop();
    output.print(formatBackup(answer, output));
    return true;
  } catch (error) {
    spinner?.stop();
    if (options.signal?.aborted) output.warn(`stopped waiting for the backup; ${options.afterStop ?? 'the API may still finish it'}`);
    else output.warn(`no backup was taken: ${reason(error)}`);
    return false;
  }
}

function reason(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 409) return `another backup is already running (409 ${error.code})`;
    return `the API answered ${error.status} ${error.code}: ${error.message}`;
  }
  return (error as Error).message;
}

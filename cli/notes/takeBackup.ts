import yoctoSpinner from 'yocto-spinner';
import { ApiError, formatSeconds, type ApiClient } from './ApiClient.js';
import { formatBackup } from './format.js';
import type { Output } from './Output.js';

export interface TakeBackupOptions {
  timeoutMs: number;
  /** Aborts the wait (a second Ctrl-C); the API may still finish the backup. */
  signal?: AbortSignal;
}

/**
 * Asks the API for a backup and says how it went: a spinner (TTY) or a plain line while waiting, then
 * one result line on stdout, or a warning on stderr saying that no backup was taken and why.
 * Never throws; returns whether a backup was written.
 */
export async function takeBackup(api: ApiClient, output: Output, options: TakeBackupOptions): Promise<boolean> {
  const waiting = `Backing up the database (${api.baseUrl}, up to ${formatSeconds(options.timeoutMs)})…`;
  const spinner = output.err.isTTY ? yoctoSpinner({ text: waiting, stream: output.err as NodeJS.WriteStream }).start() : undefined;
  if (!spinner) output.err.write(`${waiting}\n`);
  try {
    const answer = await api.backup(options);
    spinner?.stop();
    output.print(formatBackup(answer, output));
    return true;
  } catch (error) {
    spinner?.stop();
    if (options.signal?.aborted) output.warn('stopped waiting for the backup; the API may still finish it');
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

import yoctoSpinner from 'yocto-spinner';
import { NEEDS_A_FIX } from '../../functions/backup/offsite/offsiteError.js';
import { ApiError, ApiUnreachableError, formatSeconds, type ApiClient } from './ApiClient.js';
import { formatBackup, formatPreviousDamaged } from './format.js';
import type { Output } from './Output.js';

export interface TakeBackupOptions {
  timeoutMs: number;
  /** Aborts when the user stops waiting (a second Ctrl-C). */
  stop?: AbortSignal;
  /**
   * Cancels the backup itself, where the app can (`npm start`: the API runs in this process). When
   * given, stopping or timing out cancels the backup and waits for its (prompt) answer instead of
   * walking away from it.
   */
  cancel?: () => void;
}

/** How a backup request ended: a line for stdout, or a warning saying why there is no (known) backup. */
export type BackupOutcome = { written: true; line: string; warning?: string } | { written: false; warning: string };

/** After a cancel, the API answers at once; this long is the most it may take before the app walks away. */
const CANCEL_GRACE_MS = 60_000;

/**
 * Asks the API for a backup, showing progress meanwhile (a spinner on a terminal, else one line), and
 * says how it went. Never throws: leaving must always work.
 */
export async function takeBackup(api: ApiClient, output: Output, options: TakeBackupOptions): Promise<BackupOutcome> {
  const waiting = `Backing up the database (${api.baseUrl}, up to ${formatSeconds(options.timeoutMs)})…`;
  // handleSignals: false — the spinner must not install SIGINT/SIGTERM handlers that exit the process.
  const spinner = output.interactive
    ? yoctoSpinner({ text: waiting, stream: output.err as NodeJS.WriteStream, handleSignals: false }).start()
    : undefined;
  if (!spinner) output.note(waiting);

  let cancelled = false;
  const wait = new AbortController();
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    options.cancel!();
    setTimeout(() => wait.abort(), CANCEL_GRACE_MS).unref();
  };
  const timer = options.cancel ? setTimeout(cancel, options.timeoutMs) : undefined;
  const onStop = () => (options.cancel ? cancel() : wait.abort());
  options.stop?.addEventListener('abort', onStop, { once: true });
  try {
    const answer = await api.backup({
      timeoutMs: options.cancel ? options.timeoutMs + CANCEL_GRACE_MS : options.timeoutMs,
      signal: wait.signal,
    });
    const line = formatBackup(answer, output);
    const problem = answer.rotation.problem;
    const copy = answer.backup.offsite;
    const warnings = [
      ...(answer.backup.previousDamaged ? [formatPreviousDamaged(answer.backup.previousDamaged)] : []),
      ...(problem ? [`the rotation before it was not done: ${problem.message}`] : []),
      ...(copy?.status === 'failed'
        ? [`offsite copy failed: ${copy.reason ?? 'unknown error'}; the local backup is kept${afterFailedCopy(copy.code)}`]
        : []),
    ];
    return {
      written: true,
      // Stopping came too late: the backup was complete, and is kept.
      line: cancelled ? `${line} (it finished before it could be stopped, so it is kept)` : line,
      ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}),
    };
  } catch (error) {
    if (cancelled && wait.signal.aborted) {
      return {
        written: false,
        warning: `stopped waiting: the backup was cancelled, but the API did not confirm within ${formatSeconds(CANCEL_GRACE_MS)}`,
      };
    }
    return { written: false, warning: explain(error, wait.signal.aborted, options.timeoutMs) };
  } finally {
    clearTimeout(timer);
    options.stop?.removeEventListener('abort', onStop);
    spinner?.stop();
  }
}

function explain(error: unknown, userStopped: boolean, timeoutMs: number): string {
  if (userStopped) return 'stopped waiting for the backup; the API may still finish it';
  if (error instanceof ApiUnreachableError && error.timedOut) {
    return `stopped waiting after ${formatSeconds(timeoutMs)}: the API did not answer in time; it may still finish the backup (backups lists them)`;
  }
  if (error instanceof ApiError) {
    if (error.code === 'BACKUP_CANCELLED') return `no backup was taken: ${error.message}; nothing half-written is left`;
    if (error.status === 409)
      return `no backup was taken: another backup ran for longer than this app waits (409 ${error.code}: ${error.message})`;
    if (error.fromApi) return `no backup was taken: the API answered ${error.status} ${error.code}: ${error.message}`;
  }
  return `no backup was taken: ${(error as Error).message}`;
}

/** What becomes of a backup whose copy failed: a setting to fix first, or the next backup's retry (a skipped copy's reason says so itself). */
function afterFailedCopy(code: string | undefined): string {
  if (code === 'OFFSITE_SKIPPED') return '';
  return NEEDS_A_FIX.has(code ?? '') ? ', and the first backup after that is fixed uploads it' : ', and the next backup retries';
}

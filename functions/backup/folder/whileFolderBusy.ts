import { BackupInProgressError } from '../errors.js';

/** How often a run waiting for the folder tries again. */
const POLL_MS = 100;

/**
 * Runs `attempt` and, while it fails because another run holds the folder (BackupInProgressError),
 * tries again every 100 ms for up to `waitMs`. `attempt` hears whether it is a retry; `onFirstWait`
 * hears the first refusal. When the wait runs out, throws `givenUp(error)` (the refusal itself when
 * there was no wait at all). An aborted `signal` stops the waiting.
 */
export async function whileFolderBusy<T>(
  attempt: (retry: boolean) => Promise<T>,
  options: {
    waitMs: number;
    signal?: AbortSignal;
    onFirstWait?: (error: BackupInProgressError) => void;
    givenUp: (error: BackupInProgressError) => Error;
  },
): Promise<T> {
  const until = performance.now() + options.waitMs;
  for (let retry = false; ; retry = true) {
    try {
      return await attempt(retry);
    } catch (error) {
      if (!(error instanceof BackupInProgressError) || options.signal?.aborted) throw error;
      const left = until - performance.now();
      if (left <= 0) throw options.waitMs > 0 ? options.givenUp(error) : error;
      if (!retry) options.onFirstWait?.(error);
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
    }
  }
}

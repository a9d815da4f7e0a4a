import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { DEFAULTS } from '../../config/defaults.js';
import { silentLogger, type Logger } from '../../log/Logger.js';
import { AppError } from '../../errors/AppError.js';
import { BackupInProgressError } from '../errors.js';
import { PlantedSymlinkError } from './bookkeepingFile.js';

/** The lock is a folder inside the backup folder, so every process sharing the volume sees it. */
export const LOCK_NAME = '.db-backup.lock';

export interface FolderLockOptions {
  logger?: Logger;
  /** A lock whose holder stopped refreshing it this long ago is taken over (a crashed process). */
  staleMs?: number;
  /** Tells whether a leftover lock was stale, to say so in the log. */
  clock?: () => Date;
  /** Runs once a stale lock (its holder died) was taken over, before `work`: cleans up what the holder left. */
  onStaleTakeover?: () => Promise<void>;
  /** Waits while a lock that looks stale is watched for a refresh (tests pass one that refreshes the lock, or not, at once). */
  sleep?: (ms: number) => Promise<void>;
}

/** The folder's lock was taken over by another process while this one held it (this process was paused, say). */
export class LockLostError extends AppError {
  constructor(dir: string) {
    super(
      'LOCK_LOST',
      `another process took over the lock of ${dir} while this backup ran (was this process paused?): this run was stopped so that two never write at once`,
      { expose: true },
    );
  }
}

/**
 * Runs `work` while holding the backup folder's lock (proper-lockfile: an atomic mkdir whose mtime
 * the holder refreshes every staleMs / 2). Fails with BackupInProgressError when another process holds it.
 *
 * A lock is judged by whether it is still being refreshed, not by its mtime against this process's
 * clock alone: the holder stamps the mtime with its own clock, and two containers' clocks may differ.
 * A lock that looks stale (or stamped in the future) is watched for one refresh interval: refreshed,
 * its holder lives (409); untouched, it is taken over. `work` gets a signal that aborts with
 * LockLostError if another process takes the lock over anyway (this one was paused past staleMs).
 */
export async function withFolderLock<T>(
  dir: string,
  work: (lockLost: AbortSignal) => Promise<T>,
  options: FolderLockOptions = {},
): Promise<T> {
  const logger = options.logger ?? silentLogger;
  const staleMs = options.staleMs ?? DEFAULTS.lockStaleMs;
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const inProgress = (cause?: unknown) =>
    new BackupInProgressError(
      `a backup or rotation is already running for this backup folder (a lock whose holder died is taken over ${Math.round(staleMs / 1000)} s after its last refresh)`,
      { cause },
    );
  // A lock folder its holder stopped refreshing is left by a crash: proper-lockfile takes it over; say so.
  // Anything else under the lock's name was planted (or broken): never followed, never removed.
  const lockPath = join(dir, LOCK_NAME);
  const leftover = await fs.lstat(lockPath).catch(() => undefined);
  if (leftover?.isSymbolicLink()) throw new PlantedSymlinkError(lockPath);
  if (leftover && !leftover.isDirectory()) {
    throw new AppError('LOCK_BROKEN', `${lockPath} is not the lock folder (a file is there): remove it`, { expose: true });
  }
  let takenOver = false;
  if (leftover) {
    const age = clock().getTime() - leftover.mtimeMs;
    if (age > staleMs || age < -staleMs) {
      await sleep(staleMs / 2 + 1_000);
      const again = await fs.lstat(lockPath).catch(() => undefined);
      if (again && again.mtimeMs !== leftover.mtimeMs) throw inProgress();
      // Untouched for a whole refresh interval: its holder is gone. One stamped in the future never
      // looks stale to proper-lockfile, so it is removed here; one in the past is taken over by it.
      if (again && age < -staleMs) await fs.rm(lockPath, { recursive: true, force: true });
      takenOver = Boolean(again);
    }
  }
  const lost = new AbortController();
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: join(dir, LOCK_NAME),
      realpath: false,
      retries: 0,
      stale: staleMs,
      // Losing the lock mid-run is logged, not thrown: throwing here would crash the process mid-dump.
      // The run stops (its dump is cancelled, its partial removed) rather than write beside the new holder.
      onCompromised: (error) => {
        logger.error('lock.compromised', { dir, error });
        lost.abort(new LockLostError(dir));
      },
    });
    // The lock folder is the service's own, like every folder it makes: 0700.
    await fs.chmod(lockPath, 0o700).catch(() => undefined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw inProgress(error);
    throw error;
  }
  try {
    if (takenOver && leftover) {
      logger.warn('lock.stale_taken_over', { dir, lastRefreshed: leftover.mtime.toISOString() });
      await options.onStaleTakeover?.();
    }
    return await work(lost.signal);
  } finally {
    await release().catch((error: unknown) => logger.warn('lock.release_failed', { dir, error }));
  }
}

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
}

/**
 * Runs `work` while holding the backup folder's lock (proper-lockfile: an atomic mkdir whose mtime
 * the holder refreshes). Fails at once with BackupInProgressError when another process holds it.
 */
export async function withFolderLock<T>(dir: string, work: () => Promise<T>, options: FolderLockOptions = {}): Promise<T> {
  const logger = options.logger ?? silentLogger;
  const staleMs = options.staleMs ?? DEFAULTS.lockStaleMs;
  const clock = options.clock ?? (() => new Date());
  // A lock folder its holder stopped refreshing is left by a crash: proper-lockfile takes it over; say so.
  // Anything else under the lock's name was planted (or broken): never followed, never removed.
  const lockPath = join(dir, LOCK_NAME);
  const leftover = await fs.lstat(lockPath).catch(() => undefined);
  if (leftover?.isSymbolicLink()) throw new PlantedSymlinkError(lockPath);
  if (leftover && !leftover.isDirectory()) {
    throw new AppError(500, 'LOCK_BROKEN', `${lockPath} is not the lock folder (a file is there): remove it`, { expose: true });
  }
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: join(dir, LOCK_NAME),
      realpath: false,
      retries: 0,
      stale: staleMs,
      // Losing the lock mid-run is logged, not thrown: throwing here would crash the process mid-dump.
      onCompromised: (error) => logger.error('lock.compromised', { dir, error }),
    });
    // The lock folder is the service's own, like every folder it makes: 0700.
    await fs.chmod(lockPath, 0o700).catch(() => undefined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new BackupInProgressError(
        `a backup or rotation is already running for this backup folder (a lock whose holder died is taken over ${Math.round(staleMs / 1000)} s after its last refresh)`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  try {
    if (leftover && clock().getTime() - leftover.mtimeMs > staleMs) {
      logger.warn('lock.stale_taken_over', { dir, lastRefreshed: leftover.mtime.toISOString() });
      await options.onStaleTakeover?.();
    }
    return await work();
  } finally {
    await release().catch((error: unknown) => logger.warn('lock.release_failed', { dir, error }));
  }
}

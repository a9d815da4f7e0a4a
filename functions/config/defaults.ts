import { SETTINGS, type Settings } from './settings.js';

/**
 * Every default of the backup service: the fallback of each row of SETTINGS (`keepLast` is
 * BACKUP_KEEP_LAST's), and the few that are no setting. loadConfig falls back to them, and the classes
 * use them when built without a configuration (tests, the bench).
 */
export const DEFAULTS = {
  ...(Object.fromEntries(Object.entries(SETTINGS).map(([key, row]) => [key, row.fallback])) as Settings),
  /** A folder lock its holder stopped refreshing this long ago is taken over. */
  lockStaleMs: 20_000,
  /**
   * POST /db-backup's `?wait` and `db-backup rotate --wait`: how long, in seconds, a run waits for
   * another run (a backup, a rotation) that holds the backup folder.
   */
  waitSeconds: 60,
  /** The longest wait either may ask for, in seconds. */
  maxWaitSeconds: 900,
} as const;

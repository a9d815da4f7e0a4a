import { formatDuration } from '../../log/formatDuration.js';
import type { BackupOrigin } from '../folder/BackupManifest.js';
import { compareFingerprints } from './compareFingerprints.js';
import type { DatabaseFingerprint } from './DatabaseFingerprint.js';
import { fingerprintFromJson, fingerprintSha256 } from './fingerprintJson.js';

/** What the next backup is planned from: the request, the settings, the database now and its newest backup. */
export interface InstantBackupInput {
  /** A real dump was asked for (`POST /db-backup?full=1`, `db-backup create --full`). */
  full: boolean;
  /** BACKUP_FULL_EVERY: the longest a backup's content may come from an earlier dump; 0 makes every backup a dump. */
  fullEveryMs: number;
  /** This process's clock. */
  nowMs: number;
  /** The database's fingerprint now, or why there is none (the source has none, it could not be read). */
  now: DatabaseFingerprint | { missing: string };
  /** The shape a dump now would have (pg_dump, options, role, compression, encryption). */
  shape: string;
  /** The file extension a backup now gets (`.sql.gz.age`). */
  extension: string;
  /** The database's newest backup in the folder (not the archive), with what the manifest recorded of it. */
  newest?: {
    file: string;
    sha256?: string;
    origin?: BackupOrigin;
    verified?: { ok: boolean };
    /** Another name of the same file (a backup made from it, or it from that one) that failed its last verification. */
    sameFileFailed?: string;
  };
}

/**
 * A dump, and why; or a copy of `from` (whose checksum the caller still checks: a file that no longer
 * matches it means a dump after all).
 */
export type InstantBackupPlan =
  | { dump: true; reason: string }
  | { dump: false; from: string; sha256: string; origin: BackupOrigin; reason: string };

/**
 * Whether the next backup may be made from the newest one instead of a dump: only when every fact
 * agrees (docs/instant-backups.md). Anything unknown, unreadable or different means a dump. Pure.
 */
export function planInstantBackup(input: InstantBackupInput): InstantBackupPlan {
  const dump = (reason: string): InstantBackupPlan => ({ dump: true, reason });
  const { newest, now } = input;
  if (input.full) return dump('a full backup was asked for');
  if (input.fullEveryMs === 0) return dump('BACKUP_FULL_EVERY is 0: every backup is a dump');
  if ('missing' in now) return dump(now.missing);
  if (!newest) return dump('no earlier backup of this database in the folder');
  const { file, sha256, origin } = newest;
  if (!sha256) return dump(`${file} has no recorded checksum`);
  if (newest.verified?.ok === false) return dump(`${file} failed its last verification`);
  if (newest.sameFileFailed) return dump(`${file} is the same file as ${newest.sameFileFailed}, which failed its last verification`);
  if (!origin?.fingerprint && !origin?.fingerprintSha256)
    return dump(`${file} records no database state (a transaction ran or ended during its dump, or it predates fingerprints)`);
  if (!file.endsWith(input.extension)) return dump(`${file} is not a ${input.extension} backup (the settings changed)`);
  if (origin.shape !== input.shape) return dump(`${file} was dumped otherwise (${origin.shape}; now ${input.shape})`);
  const age = input.nowMs - origin.dumpedAtMs;
  if (age < 0) return dump(`the dump ${file} holds began after now by this clock (${formatDuration(-age)} ahead)`);
  if (age >= input.fullEveryMs) {
    return dump(`the dump ${file} holds is ${formatDuration(age)} old (BACKUP_FULL_EVERY ${formatDuration(input.fullEveryMs)})`);
  }
  if (!origin.fingerprint) {
    // An encrypted backup's digest: equal or not, without saying what changed.
    if (origin.fingerprintSha256 !== fingerprintSha256(now))
      return dump(`the database or its server changed since ${file} (an encrypted backup records only a digest of its state)`);
    return { dump: false, from: file, sha256, origin, reason: `the database is as it was when ${file} was dumped` };
  }
  let recorded: DatabaseFingerprint;
  try {
    recorded = fingerprintFromJson(origin.fingerprint);
  } catch (error) {
    return dump(`the database state recorded for ${file} is unreadable: ${(error as Error).message}`);
  }
  const changes = compareFingerprints(recorded, now);
  if (changes.length > 0) {
    const shown = changes.slice(0, 3).join('; ');
    return dump(
      `the database or its server changed since ${file}: ${shown}${changes.length > 3 ? `; and ${changes.length - 3} more` : ''}`,
    );
  }
  return { dump: false, from: file, sha256, origin, reason: `the database is as it was when ${file} was dumped` };
}

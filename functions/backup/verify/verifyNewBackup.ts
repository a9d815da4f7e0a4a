import type { Logger } from '../../log/Logger.js';
import type { Backup } from '../dump/BackupCreator.js';
import type { BackupFolder } from '../folder/BackupFolder.js';
import type { ScratchDatabase } from './ScratchDatabase.js';
import { verifyBackup } from './verifyBackup.js';

/** A new backup's verification, as POST /db-backup answers it (BACKUP_VERIFY=after-create). */
export interface NewBackupVerification {
  ok: boolean;
  problems: string[];
  durationMs: number;
  /** No scratch database could be had: nothing is known of the backup. */
  unverified?: boolean;
}

/**
 * Restores a backup just written into the scratch database and compares it with what was recorded;
 * the result goes to the manifest. A failed verification is reported, never thrown: the backup stays.
 */
export async function verifyNewBackup(
  backup: Backup,
  parts: { verifier: ScratchDatabase; folder: BackupFolder; clock: () => Date; logger: Logger },
): Promise<NewBackupVerification> {
  const manifest = parts.folder.manifest;
  const result: { at: string; ok: boolean; problems: string[]; durationMs: number; unverified?: boolean } = await verifyBackup(
    backup.path,
    manifest,
    parts.verifier,
    parts.clock,
  ).catch((error: unknown) => ({
    at: parts.clock().toISOString(),
    ok: false,
    unverified: true,
    problems: [`it could not be verified: ${(error as Error).message}`],
    durationMs: 0,
  }));
  // "Could not be verified" (no scratch database) says nothing of the backup: it is not recorded against it.
  if (!result.unverified) {
    await manifest
      .recordVerification(backup.file, { at: result.at, ok: result.ok, problems: result.problems })
      .catch((error: unknown) => parts.logger.warn('manifest.not_recorded', { file: backup.file, error }));
  }
  if (result.ok) parts.logger.info('backup.verified', { file: backup.file, durationMs: result.durationMs });
  else parts.logger.error('backup.verification_failed', { file: backup.file, problems: result.problems });
  return { ok: result.ok, problems: result.problems, durationMs: result.durationMs, ...(result.unverified ? { unverified: true } : {}) };
}

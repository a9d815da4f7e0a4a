import type { Backup } from './dump/BackupCreator.js';
import type { OffsiteMark, Verification } from './folder/BackupManifest.js';
import type { CatchUpResult } from './offsite/OffsiteCatchUp.js';
import type { BucketRotationOutcome } from './offsite/rotateBucketIfSafe.js';
import type { KeepReason, RotationPlan } from './retention/planRotation.js';
import { BackupFolder } from './folder/BackupFolder.js';

/**
 * The API's wire contract for backups, shared by the handlers that answer with it and the notes
 * app's ApiClient that reads it. Plans are typed inside; on the wire their reasons are words and
 * their deletions paths relative to the backup folder.
 */

/** A kept backup with its reasons in words: `newest 5`, `week 2026-11-22`, `month 2026-11`. */
export interface KeptBackupAnswer {
  file: string;
  reasons: string[];
}

/** A rotation (done, or what one would do now). */
export interface RotationAnswer {
  kept: KeptBackupAnswer[];
  archived: string[];
  /** Relative to the backup folder: `archive/<file>` for an archived backup. */
  deleted: string[];
  /** Left in place because `archive/` already holds a file of that name. */
  skipped: { file: string; reason: string }[];
  stalePartials: string[];
  /** Named in the future (beyond the clock tolerance): left alone by every rule. */
  futureDated: string[];
  archiveCutoff: string;
  /** Why the rotation was not done (the backup was still written): a clock disagreement, a folder it could not change. */
  problem?: { code: string; message: string };
}

/**
 * With offsite copies (BACKUP_S3_URL), what happened in the bucket before the new backup: the earlier
 * backups uploaded because their copy had failed (`caughtUp`), how many are still not offsite, and why
 * the catch-up stopped (`problem`). The new backup's own copy is `backup.offsite`.
 */
export type OffsiteAnswer = Partial<CatchUpResult> & {
  /** With a bucket: what its rotation did (`deleted` relative to the prefix), `rotation.problem` why it did less. */
  rotation?: RotationAnswer;
};

/** POST /db-backup's answer: the new backup, the rotation before it, and (BACKUP_VERIFY=after-create) its verification. */
export interface BackupAnswer {
  backup: Backup;
  rotation: RotationAnswer;
  offsite?: OffsiteAnswer;
  verification?: { ok: boolean; problems: string[]; durationMs: number; unverified?: boolean };
  /** The backup was shared: another request's run started it after this request arrived. */
  coalesced?: boolean;
}

/** GET /db-backups' answer: one database's backups (`database`), or every database's (`null`). */
export interface BackupListing extends RotationAnswer {
  database: string | null;
  /** The last `db-backup verify` of each listed backup that was verified, by file name. */
  verified: Record<string, Verification>;
  /** Each listed backup's offsite copy at BACKUP_S3_URL's bucket and prefix, by file name (as recorded locally: no bucket call). */
  offsite: Record<string, OffsiteMark>;
}

/** `newest 5`, `week 2026-11-22`, `month 2026-11`. */
export function formatKeepReason(reason: KeepReason): string {
  return reason.rule === 'newest' ? `newest ${reason.count}` : `${reason.rule} ${reason.period}`;
}

export function rotationAnswer(plan: RotationPlan, problem?: { code: string; message: string }): RotationAnswer {
  return {
    ...(problem ? { problem } : {}),
    kept: plan.kept.map(({ file, reasons }) => ({ file, reasons: reasons.map(formatKeepReason) })),
    archived: plan.archived,
    deleted: [...plan.deletedFromMain, ...plan.deletedFromArchive.map((file) => BackupFolder.archivedName(file))],
    skipped: plan.skipped.map(({ file }) => ({ file, reason: `${BackupFolder.archivedName(file)} already exists` })),
    stalePartials: plan.stalePartials,
    futureDated: plan.futureDated,
    archiveCutoff: plan.archiveCutoff.toISOString(),
  };
}

export function backupAnswer(
  backup: Backup,
  rotation: RotationPlan,
  rotationProblem?: { code: string; message: string },
  verification?: BackupAnswer['verification'],
  offsite?: { catchUp?: CatchUpResult; rotation?: BucketRotationOutcome },
): BackupAnswer {
  return {
    backup,
    rotation: rotationAnswer(rotation, rotationProblem),
    ...(verification ? { verification } : {}),
    ...(offsite?.catchUp || offsite?.rotation
      ? {
          offsite: {
            ...offsite.catchUp,
            ...(offsite.rotation ? { rotation: rotationAnswer(offsite.rotation.rotation, offsite.rotation.problem) } : {}),
          },
        }
      : {}),
  };
}

export function backupListing(
  plan: RotationPlan,
  database: string | null,
  verifications: Record<string, Verification> = {},
  offsiteCopies: Record<string, OffsiteMark> = {},
): BackupListing {
  const answer = rotationAnswer(plan);
  const listed = new Set([
    ...answer.kept.map((k) => k.file),
    ...answer.archived,
    ...answer.skipped.map((s) => s.file),
    ...answer.futureDated,
  ]);
  const verified = Object.fromEntries(Object.entries(verifications).filter(([file]) => listed.has(file)));
  const offsite = Object.fromEntries(Object.entries(offsiteCopies).filter(([file]) => listed.has(file)));
  return { database, ...answer, verified, offsite };
}

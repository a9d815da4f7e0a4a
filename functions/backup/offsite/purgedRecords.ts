import { backupPrefix, databaseOf, parseBackupFileName } from '../retention/backupFileName.js';
import type { RotationPlan } from '../retention/planRotation.js';
import type { BucketListing } from './BackupBucket.js';

/**
 * The records (`records/<file>.json`) a bucket rotation deletes; pure. A record goes when the last
 * copy of its backup goes: a backup purged from the folder or the archive takes its record with it,
 * unless a copy of that name stays in the other place (archiving keeps the record). A record whose
 * backup is in neither place and was taken before the archive cutoff goes too (a purge whose record
 * deletion failed is finished by the next rotation). With `database`, only that database's records.
 */
export function purgedRecords(
  listing: Pick<BucketListing, 'backups' | 'archived' | 'records'>,
  plan: Pick<RotationPlan, 'archived' | 'deletedFromMain' | 'deletedFromArchive' | 'archiveCutoff'>,
  database?: string,
): string[] {
  const leaving = (files: readonly string[]) => new Set(files);
  const archivedNow = leaving(plan.archived);
  const purgedFromMain = leaving(plan.deletedFromMain);
  const purgedFromArchive = leaving(plan.deletedFromArchive);
  const remaining = new Set([
    ...listing.backups.map(({ file }) => file).filter((file) => !archivedNow.has(file) && !purgedFromMain.has(file)),
    ...[...listing.archived.map(({ file }) => file), ...plan.archived].filter((file) => !purgedFromArchive.has(file)),
  ]);
  const cutoff = plan.archiveCutoff.getTime();
  const prefix = database === undefined ? undefined : backupPrefix(database);
  const ours = (file: string) => prefix === undefined || databaseOf(file) === prefix;
  return [...listing.records]
    .filter((file) => ours(file) && !remaining.has(file))
    .filter(
      (file) =>
        purgedFromMain.has(file) ||
        purgedFromArchive.has(file) ||
        (parseBackupFileName(file)?.takenAt.getTime() ?? Number.POSITIVE_INFINITY) < cutoff,
    )
    .sort();
}

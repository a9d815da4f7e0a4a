import { onlyDatabase } from '../retention/onlyDatabase.js';
import { planRotation, type RotationPlan } from '../retention/planRotation.js';
import type { RetentionPolicy } from '../retention/RetentionPolicy.js';
import type { BucketListing } from './BackupBucket.js';

/**
 * What a rotation of the bucket at `now` would do; pure. The same rules as the backup folder's
 * (`planRotation`), fed with the bucket's own listing only: its backups and its `archive/`, never
 * the local folder, so a wiped local disk plans nothing away. A backup object without a record is
 * a backup like any other (an object only appears whole; the record is a witness, not a condition).
 * With `database`, only that database's backups are planned (several may share a prefix).
 */
export function planBucketRotation(
  listing: Pick<BucketListing, 'backups' | 'archived'>,
  now: Date,
  policy: RetentionPolicy,
  database?: string,
): RotationPlan {
  const plan = planRotation(
    { backups: listing.backups.map(({ file }) => file), archived: listing.archived.map(({ file }) => file) },
    now,
    policy,
  );
  return database === undefined ? plan : onlyDatabase(plan, database);
}

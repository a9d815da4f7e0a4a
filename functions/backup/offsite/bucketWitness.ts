import type { BackupBucket } from './BackupBucket.js';
import { OffsiteError } from './offsiteError.js';
import { BUCKET_LIMITS_MS, withDeadline } from './withDeadline.js';

/** What the bucket's record of a backup says about the local file's recorded sha256. */
export type Witness =
  | { record: 'agrees' }
  | { record: 'disagrees'; sha256: string }
  /** No record: the backup is not offsite (yet). */
  | { record: 'missing' }
  /** The record is there but is not one (not JSON, the wrong shape, another backup's): it witnesses nothing. */
  | { record: 'damaged'; reason: string }
  /** The bucket could not be asked (unreachable, refused, missing): the message says why. */
  | { record: 'unknown'; reason: string };

/**
 * Asks the bucket (a second witness, kept away from the backup folder) for the sha256 recorded when
 * `file` was written (waiting at most BUCKET_LIMITS_MS.record), and compares it with `localSha256` (its SHA256SUMS line). A damaged record and a
 * bucket that cannot be asked are said, never thrown: the local verification goes on without them. Reads only.
 */
export async function bucketWitness(
  bucket: BackupBucket,
  file: string,
  localSha256: string | undefined,
  signal?: AbortSignal,
): Promise<Witness> {
  try {
    const where = bucket.url(bucket.recordKey(file));
    const record = await withDeadline(BUCKET_LIMITS_MS.record, where, (bounded) => bucket.readRecord(file, bounded), signal);
    if (!record) return { record: 'missing' };
    return record.sha256 === localSha256 ? { record: 'agrees' } : { record: 'disagrees', sha256: record.sha256 };
  } catch (error) {
    if (error instanceof OffsiteError && error.code === 'OFFSITE_RECORD_DAMAGED') return { record: 'damaged', reason: error.message };
    if (error instanceof OffsiteError) return { record: 'unknown', reason: error.message };
    throw error;
  }
}

import type { OffsiteRecord } from '../functions/backup/offsite/BackupBucket.js';
import { type DownloadedBackup, downloadBackup } from '../functions/backup/offsite/downloadBackup.js';
import { BUCKET_LIMITS_MS, withDeadline } from '../functions/backup/offsite/withDeadline.js';
import type { RemoteChoice } from './chooseRemoteBackups.js';

/** A backup downloaded from the bucket, with the bucket's record of it and what differs from it. */
export interface RemoteCopy extends DownloadedBackup {
  /** `s3://bucket/key`: how the backup is named to the user. */
  url: string;
  file: string;
  /** What was recorded when it was written (undefined: the bucket has no record of it). */
  record?: OffsiteRecord;
  /** Why the downloaded bytes are not the backup that was written (its sha256 or size differ from the record). */
  mismatch?: string;
}

/**
 * Reads the backup's record, then streams the object into a private temporary file (downloadBackup),
 * hashing it on the way, and compares it with the record. Changes nothing anywhere else; the caller
 * removes the copy (`remove()`), also when it fails.
 */
export async function fetchRemoteBackup(
  choice: RemoteChoice,
  options: { signal?: AbortSignal; onProgress?: (bytes: number, total: number) => void } = {},
): Promise<RemoteCopy> {
  const { bucket, key, file } = choice;
  const url = bucket.url(key);
  const record = await withDeadline(
    BUCKET_LIMITS_MS.record,
    bucket.url(bucket.recordKey(file)),
    (signal) => bucket.readRecord(file, signal),
    options.signal,
  );
  const copy = await downloadBackup(bucket, key, file, options);
  const mismatch =
    record && record.sha256 !== copy.sha256
      ? `its sha256 is not the one the bucket recorded when it was written (changed or damaged since): recorded ${record.sha256} ` +
        `(${record.bytes} bytes), the object's bytes ${copy.sha256} (${copy.bytes} bytes)`
      : undefined;
  return { ...copy, url, file, ...(record ? { record } : {}), ...(mismatch ? { mismatch } : {}) };
}

import type { S3Location } from '../offsite/S3Location.js';
import type { OffsiteMark } from './BackupManifest.js';

/**
 * Whether `mark` (the local manifest's note of `file`'s offsite copy) is a copy at `location`, the
 * bucket and prefix configured now: its `url` is `s3://<bucket>/<prefix><file>` or
 * `s3://<bucket>/<prefix>archive/<file>` (the bucket's rotation may have archived it since). A copy
 * made to another bucket or prefix (`BACKUP_S3_URL` changed since) is not offsite here. A mark
 * without `url` (written before marks named their bucket) cannot say which bucket it was: it is not
 * trusted, and the next catch-up finds the copy in the bucket's listing and rewrites the mark
 * without uploading it again.
 */
export function isMarkedAt(mark: OffsiteMark | undefined, location: S3Location, file: string): boolean {
  if (!mark?.url) return false;
  const base = `s3://${location.bucket}/${location.prefix}`;
  return mark.url === `${base}${file}` || mark.url === `${base}archive/${file}`;
}

import { ConfigError } from '../../config/ConfigError.js';
import { LONGEST_BACKUP_FILE_NAME } from '../retention/backupFileName.js';

/** Where offsite copies go: a bucket and a key prefix (`''` or ending in `/`). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/**
 * S3's bucket naming rules, which S3-compatible servers (MinIO, Swift's s3api, Ceph by default) apply
 * as well: 3–63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or a
 * digit, no two dots in a row, not an IP address. A name a server might still take (upper case,
 * underscores) is refused here rather than by the server at the first copy.
 */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const BUCKET_RULE = '3–63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit';

/** S3's limit on the length of a key, in bytes of UTF-8. */
const KEY_LIMIT_BYTES = 1024;
/**
 * The longest key under a prefix: the record of the longest backup name (BackupBucket.recordKey's
 * `records/<file>.json`; `archive/<file>` is shorter). A prefix must leave room for it, or every
 * record write fails (KeyTooLongError) and the backups are never counted as offsite.
 */
const LONGEST_KEY_TAIL_BYTES = Buffer.byteLength(`records/${LONGEST_BACKUP_FILE_NAME}.json`);
/** The longest prefix (its trailing slash included) that still leaves room for every key under it. */
export const LONGEST_PREFIX_BYTES = KEY_LIMIT_BYTES - LONGEST_KEY_TAIL_BYTES;

/**
 * Reads `s3://bucket/prefix` (`BACKUP_S3_URL`; the prefix optional, a trailing slash implied). Refuses
 * anything else with a ConfigError naming `key`: another scheme, credentials, a query or a fragment
 * in the URL, a bucket name S3 would refuse, `.`/`..` or empty segments in the prefix, a prefix too
 * long to leave room under S3's 1,024-byte key limit for a backup's record (LONGEST_PREFIX_BYTES).
 */
export function parseS3Url(raw: string, key = 'BACKUP_S3_URL'): S3Location {
  const fail = (why: string): never => {
    throw new ConfigError(`${key}: ${why} (expected s3://<bucket>/<prefix>, e.g. s3://my-backups/notes)`);
  };
  const match = /^s3:\/\/([^/?#@]*)(?:\/([^?#]*))?$/.exec(raw.trim());
  if (/^s3:\/\/[^@]*[?#]/.test(raw.trim()))
    fail('query strings and fragments are not supported (the region is AWS_REGION, the endpoint AWS_ENDPOINT_URL_S3)');
  if (!match)
    return fail(
      raw.includes('@')
        ? 'credentials do not belong in the URL; use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
        : `"${raw}" is not an s3:// URL`,
    );
  const [, bucket = '', path = ''] = match;
  if (!BUCKET.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket))
    fail(`"${bucket}" is not a bucket name (${BUCKET_RULE}; not an IP address)`);
  const segments = path.split('/').filter((segment, index, all) => !(segment === '' && index === all.length - 1));
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..'))
    fail(`the prefix "${path}" has an empty, "." or ".." segment`);
  const prefix = segments.length === 0 ? '' : `${segments.join('/')}/`;
  const bytes = Buffer.byteLength(prefix);
  if (bytes > LONGEST_PREFIX_BYTES)
    fail(
      `the prefix is ${bytes.toLocaleString('en-US')} bytes long; S3 keys are at most ${KEY_LIMIT_BYTES.toLocaleString('en-US')} bytes ` +
        `and a backup's record (records/<backup>.json) needs ${LONGEST_KEY_TAIL_BYTES} of them: use a prefix of at most ` +
        `${LONGEST_PREFIX_BYTES} bytes`,
    );
  return { bucket, prefix };
}

/** `s3://bucket/key`: how a copy is named to the user. */
export function s3Url(location: Pick<S3Location, 'bucket'>, key: string): string {
  return `s3://${location.bucket}/${key}`;
}

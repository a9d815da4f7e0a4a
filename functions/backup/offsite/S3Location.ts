import { ConfigError } from '../../config/ConfigError.js';

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

/**
 * Reads `s3://bucket/prefix` (`BACKUP_S3_URL`; the prefix optional, a trailing slash implied). Refuses
 * anything else with a ConfigError naming `key`: another scheme, credentials, a query or a fragment
 * in the URL, a bucket name S3 would refuse, `.`/`..` or empty segments in the prefix.
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
  return { bucket, prefix: segments.length === 0 ? '' : `${segments.join('/')}/` };
}

/** `s3://bucket/key`: how a copy is named to the user. */
export function s3Url(location: Pick<S3Location, 'bucket'>, key: string): string {
  return `s3://${location.bucket}/${key}`;
}

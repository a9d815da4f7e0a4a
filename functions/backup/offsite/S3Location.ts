import { ConfigError } from '../../config/ConfigError.js';

/** Where offsite copies go: a bucket and a key prefix (`''` or ending in `/`). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** S3's bucket naming rules, loosened to what S3-compatible servers accept (upper case, underscores). */
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/;

/**
 * Reads `s3://bucket/prefix` (`BACKUP_S3_URL`; the prefix optional, a trailing slash implied). Refuses
 * anything else with a ConfigError naming `key`: another scheme, credentials or a query in the URL,
 * an empty bucket, `.`/`..` or empty segments in the prefix.
 */
export function parseS3Url(raw: string, key = 'BACKUP_S3_URL'): S3Location {
  const fail = (why: string): never => {
    throw new ConfigError(`${key}: ${why} (expected s3://<bucket>/<prefix>, e.g. s3://my-backups/notes)`);
  };
  const match = /^s3:\/\/([^/?#@]*)(?:\/([^?#]*))?$/.exec(raw.trim());
  if (!match)
    return fail(
      raw.includes('@')
        ? 'credentials do not belong in the URL; use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
        : `"${raw}" is not an s3:// URL`,
    );
  const [, bucket = '', path = ''] = match;
  if (!BUCKET.test(bucket)) fail(`"${bucket}" is not a bucket name (3–63 letters, digits, dots, hyphens)`);
  const segments = path.split('/').filter((segment, index, all) => !(segment === '' && index === all.length - 1));
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..'))
    fail(`the prefix "${path}" has an empty, "." or ".." segment`);
  return { bucket, prefix: segments.length === 0 ? '' : `${segments.join('/')}/` };
}

/** `s3://bucket/key`: how a copy is named to the user. */
export function s3Url(location: Pick<S3Location, 'bucket'>, key: string): string {
  return `s3://${location.bucket}/${key}`;
}

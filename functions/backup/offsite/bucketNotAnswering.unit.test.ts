import { describe, expect, it } from '@jest/globals';
import { bucketNotAnswering } from './bucketNotAnswering.js';

describe('bucketNotAnswering: which failures of a bucket step skip the later ones of the same run', () => {
  it.each([
    ['OFFSITE_UNREACHABLE', 'cannot reach the server of s3://b/p/ (ECONNREFUSED) after 4 attempts', true],
    ['OFFSITE_TIMEOUT', 's3://b/p/ did not answer within 15 s; nothing was uploaded', true],
    ['OFFSITE_SERVER_ERROR', 'the server of s3://b/p/ failed (503 ServiceUnavailable) after 4 attempts', true],
    ['OFFSITE_ACCESS_DENIED', 'the bucket refused these credentials for s3://b/p/ (SignatureDoesNotMatch): …', false],
    ['OFFSITE_BUCKET_MISSING', 'the bucket of s3://b/p/ does not exist: create it, or correct BACKUP_S3_URL', false],
    ['OFFSITE_FAILED', 'x.sql no longer matches the sha256 recorded when it was written', false],
    ['OFFSITE_ROTATION_INCOMPLETE', 'the rotation of the bucket stopped after archiving 1 of 2 …', false],
    ['CLOCK_SKEW', "this clock and the database server's disagree by 3 h", false],
  ])('%s → skipped: %s', (code, message, skips) => {
    const skip = bucketNotAnswering({ code, message });

    expect(skip).toEqual(
      skips ? { code: 'OFFSITE_SKIPPED', message: `skipped: the bucket did not answer earlier in this run (${message})` } : undefined,
    );
  });

  it('no failure skips nothing', () => {
    expect(bucketNotAnswering(undefined)).toBeUndefined();
  });
});

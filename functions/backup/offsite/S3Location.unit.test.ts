import { describe, expect, it } from '@jest/globals';
import { S3Client } from '@aws-sdk/client-s3';
import { LONGEST_BACKUP_FILE_NAME } from '../retention/backupFileName.js';
import { BackupBucket } from './BackupBucket.js';
import { LONGEST_PREFIX_BYTES, parseS3Url } from './S3Location.js';

it.each([
  ['s3://my-backups', { bucket: 'my-backups', prefix: '' }],
  ['s3://my-backups/', { bucket: 'my-backups', prefix: '' }],
  ['s3://my-backups/notes', { bucket: 'my-backups', prefix: 'notes/' }],
  ['s3://my-backups/team/notes/', { bucket: 'my-backups', prefix: 'team/notes/' }],
  [' s3://a.b-c/x ', { bucket: 'a.b-c', prefix: 'x/' }],
  ['s3://abc', { bucket: 'abc', prefix: '' }],
  [`s3://${'a'.repeat(63)}/n`, { bucket: 'a'.repeat(63), prefix: 'n/' }],
  ['s3://backups.2026.example/notes', { bucket: 'backups.2026.example', prefix: 'notes/' }],
])('reads %j', (raw, location) => {
  expect(parseS3Url(raw)).toEqual(location);
});

it.each([
  ['https://my-backups/notes', /is not an s3:\/\/ URL/],
  ['s3://', /is not a bucket name/],
  ['s3://ab', /is not a bucket name/],
  ['s3://key:secret@my-backups/notes', /credentials do not belong in the URL/],
  ['s3://my-backups/notes?x=1', /query strings and fragments are not supported/],
  ['s3://my-backups/notes?region=eu-west-1', /query strings and fragments are not supported \(the region is AWS_REGION/],
  ['s3://my-backups?region=eu-west-1', /query strings and fragments are not supported/],
  ['s3://my-backups/notes#daily', /query strings and fragments are not supported/],
  ['s3://My-Backups/notes', /"My-Backups" is not a bucket name \(3–63 lowercase letters, digits, dots and hyphens/],
  ['s3://my_backups/notes', /"my_backups" is not a bucket name/],
  ['s3://-backups/notes', /is not a bucket name/],
  ['s3://backups-/notes', /is not a bucket name/],
  ['s3://my..backups/notes', /is not a bucket name/],
  ['s3://192.168.1.10/notes', /not an IP address/],
  [`s3://${'a'.repeat(64)}/notes`, /is not a bucket name/],
  ['s3://my-backups//notes', /empty, "." or ".." segment/],
  ['s3://my-backups/a/../b', /empty, "." or ".." segment/],
])('refuses %j, naming BACKUP_S3_URL', (raw, message) => {
  expect(() => parseS3Url(raw)).toThrow(message);
  expect(() => parseS3Url(raw)).toThrow(/^BACKUP_S3_URL: /);
});

describe("a prefix must leave room under S3's 1,024-byte key limit for the longest backup's record", () => {
  const url = (prefix: string) => `s3://my-backups/${prefix}`;

  it('leaves room for records/<the longest backup name>.json and no more', () => {
    // 63 characters of database name, its instant and .sql.gz.age: 99 characters; records/….json adds 13.
    expect(LONGEST_BACKUP_FILE_NAME).toHaveLength(99);
    expect(LONGEST_PREFIX_BYTES).toBe(1024 - 112);
  });

  it.each([
    ['exactly the room left, its slash included', `${'p'.repeat(LONGEST_PREFIX_BYTES - 1)}/`],
    ['the room left, in folders', `${'a'.repeat(400)}/${'b'.repeat(LONGEST_PREFIX_BYTES - 402)}/`],
    ['the room left, in two-byte letters', `${'é'.repeat((LONGEST_PREFIX_BYTES - 2) / 2)}x/`],
  ])('accepts %s, and every key under it fits', (_case, prefix) => {
    const location = parseS3Url(url(prefix));
    const bucket = new BackupBucket(new S3Client({}), location);

    expect(Buffer.byteLength(location.prefix)).toBe(LONGEST_PREFIX_BYTES);
    for (const key of [
      bucket.recordKey(LONGEST_BACKUP_FILE_NAME),
      bucket.keyOf(LONGEST_BACKUP_FILE_NAME, 'archive'),
      bucket.keyOf(LONGEST_BACKUP_FILE_NAME),
    ])
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(bucket.recordKey(LONGEST_BACKUP_FILE_NAME))).toBe(1024);
  });

  it.each([
    ['one byte too many', `${'p'.repeat(LONGEST_PREFIX_BYTES)}/`, LONGEST_PREFIX_BYTES + 1],
    ['965 bytes (an object would fit, its record never)', `${'p'.repeat(964)}/`, 965],
    ['one byte too many, counted in UTF-8 (é is 2 bytes)', `${'é'.repeat((LONGEST_PREFIX_BYTES - 2) / 2)}xy/`, LONGEST_PREFIX_BYTES + 1],
  ])('refuses %s, saying how long it may be', (_case, prefix, bytes) => {
    expect(() => parseS3Url(url(prefix))).toThrow(
      `BACKUP_S3_URL: the prefix is ${bytes} bytes long; S3 keys are at most 1,024 bytes and a backup's record ` +
        `(records/<backup>.json) needs 112 of them: use a prefix of at most ${LONGEST_PREFIX_BYTES} bytes`,
    );
  });
});

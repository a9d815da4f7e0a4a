import { expect, it } from '@jest/globals';
import { parseS3Url } from './S3Location.js';

it.each([
  ['s3://my-backups', { bucket: 'my-backups', prefix: '' }],
  ['s3://my-backups/', { bucket: 'my-backups', prefix: '' }],
  ['s3://my-backups/notes', { bucket: 'my-backups', prefix: 'notes/' }],
  ['s3://my-backups/team/notes/', { bucket: 'my-backups', prefix: 'team/notes/' }],
  [' s3://a.b-c/x ', { bucket: 'a.b-c', prefix: 'x/' }],
])('reads %j', (raw, location) => {
  expect(parseS3Url(raw)).toEqual(location);
});

it.each([
  ['https://my-backups/notes', /is not an s3:\/\/ URL/],
  ['s3://', /is not a bucket name/],
  ['s3://ab', /is not a bucket name/],
  ['s3://key:secret@my-backups/notes', /credentials do not belong in the URL/],
  ['s3://my-backups/notes?x=1', /is not an s3:\/\/ URL/],
  ['s3://my-backups//notes', /empty, "." or ".." segment/],
  ['s3://my-backups/a/../b', /empty, "." or ".." segment/],
])('refuses %j, naming BACKUP_S3_URL', (raw, message) => {
  expect(() => parseS3Url(raw)).toThrow(message);
  expect(() => parseS3Url(raw)).toThrow(/^BACKUP_S3_URL: /);
});

import { expect, it } from '@jest/globals';
import { parseS3Url } from './S3Location.js';

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

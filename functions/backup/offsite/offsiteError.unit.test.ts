import { expect, it } from '@jest/globals';
import { offsiteError, type S3Server } from './offsiteError.js';

const where = 's3://my-backups/notes/notes_2026-12-05T21-10-03.566Z.sql';
const aws: S3Server = { endpoint: 's3.eu-west-1.amazonaws.com', custom: false };
const minio: S3Server = { endpoint: 'http://minio.internal:9000', custom: true };
/** An error shaped as the AWS SDK throws it (a network error wrapped, or a service exception). */
const failure = (name: string, fields: Record<string, unknown>) => Object.assign(new Error(fields.message as string), { name, ...fields });
const attempts = { $metadata: { attempts: 4 } };

it.each([
  [
    'an unknown host of AWS: names it and says how to reach an S3-compatible server',
    failure('Error', { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND my-backups.s3.eu-west-1.amazonaws.com', ...attempts }),
    aws,
    'OFFSITE_UNREACHABLE',
    `cannot reach the server of ${where} (ENOTFOUND) after 4 attempts: tried AWS S3 at s3.eu-west-1.amazonaws.com; for an S3-compatible server, set AWS_ENDPOINT_URL_S3`,
  ],
  [
    'an unknown host of AWS_ENDPOINT_URL_S3: names it',
    failure('Error', { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND minio.internal', ...attempts }),
    minio,
    'OFFSITE_UNREACHABLE',
    `cannot reach the server of ${where} (ENOTFOUND) after 4 attempts: tried http://minio.internal:9000 (AWS_ENDPOINT_URL_S3); check its host name`,
  ],
  [
    'a refused connection to AWS_ENDPOINT_URL_S3',
    failure('Error', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED', ...attempts }),
    minio,
    'OFFSITE_UNREACHABLE',
    `cannot reach the server of ${where} (ECONNREFUSED) after 4 attempts: tried http://minio.internal:9000 (AWS_ENDPOINT_URL_S3)`,
  ],
  [
    'a hung server',
    failure('TimeoutError', { message: 'socket timed out', ...attempts }),
    aws,
    'OFFSITE_UNREACHABLE',
    `the server of ${where} stopped answering (a request timed out) after 4 attempts: tried AWS S3 at s3.eu-west-1.amazonaws.com`,
  ],
  [
    'a bucket name the server refuses: what to correct, no doubled punctuation',
    failure('InvalidBucketName', { message: 'The specified bucket is not valid.', $metadata: { httpStatusCode: 400 } }),
    minio,
    'OFFSITE_NOT_CONFIGURED',
    `the server refused the bucket name of ${where} (InvalidBucketName): correct the bucket in BACKUP_S3_URL`,
  ],
  [
    "another error: the server's message without its full stop",
    failure('SlowDown', { message: 'Please reduce your request rate.', $metadata: { httpStatusCode: 400 } }),
    aws,
    'OFFSITE_FAILED',
    `${where}: SlowDown (Please reduce your request rate)`,
  ],
  [
    'unreachable, the server not known (no region): no guess',
    failure('Error', { code: 'ECONNRESET', message: 'socket hang up', ...attempts }),
    undefined,
    'OFFSITE_UNREACHABLE',
    `cannot reach the server of ${where} (ECONNRESET) after 4 attempts`,
  ],
])('%s', (_case, error, server, code, message) => {
  // Act
  const mapped = offsiteError(error, where, server);
  // Assess
  expect({ code: mapped.code, message: mapped.message }).toEqual({ code, message });
});

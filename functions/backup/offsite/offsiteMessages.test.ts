import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../../test/support/swiftServer.js';
import { BackupBucket } from './BackupBucket.js';
import { createS3Client } from './createS3Client.js';
import type { OffsiteError } from './offsiteError.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeWithSwift('What the bucket failures say: where it was tried and what to fix (the real SDK, a real Swift)', () => {
  let swift: SwiftServer;
  let deadPort: number;
  beforeAll(async () => {
    [swift, deadPort] = await Promise.all([startSwiftServer(), closedPort()]);
  }, 90_000);
  afterAll(async () => {
    await swift?.stop();
  });

  it.each([
    [
      'a server that is not there: names the endpoint tried',
      () => ({ AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${deadPort}` }),
      'backups',
      'OFFSITE_UNREACHABLE',
      () =>
        new RegExp(
          `^cannot reach the server of s3://backups/notes/ \\(ECONNREFUSED\\) after 4 attempts: tried http://127\\.0\\.0\\.1:${deadPort} \\(AWS_ENDPOINT_URL_S3\\)$`,
        ),
    ],
    [
      'a host name that does not resolve: names it, says to check it',
      () => ({ AWS_ENDPOINT_URL_S3: 'http://no-such-host.invalid:9000' }),
      'backups',
      'OFFSITE_UNREACHABLE',
      () =>
        /^cannot reach the server of s3:\/\/backups\/notes\/ \(ENOTFOUND\) after 4 attempts: tried http:\/\/no-such-host\.invalid:9000 \(AWS_ENDPOINT_URL_S3\); check its host name$/,
    ],
    [
      'a bucket name the server refuses: what to correct, and no retry promised',
      () => ({}),
      'Bad_Bucket',
      'OFFSITE_NOT_CONFIGURED',
      () => /^the server refused the bucket name of s3:\/\/Bad_Bucket\/notes\/ \(InvalidBucketName\): correct the bucket in BACKUP_S3_URL$/,
    ],
  ])(
    '%s',
    async (_case, endpoint, bucketName, code, message) => {
      // Prepare
      const client = createS3Client({ ...swift.env, ...endpoint() });
      const bucket = new BackupBucket(client, { bucket: bucketName, prefix: 'notes/' });
      // Act
      const failure = (await bucket.check().catch((error: unknown) => error)) as OffsiteError;
      client.destroy();
      // Assess
      expect({ code: failure.code, message: failure.message }).toEqual({ code, message: expect.stringMatching(message()) });
    },
    60_000,
  );
});

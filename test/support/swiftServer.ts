import { afterAll, beforeAll, describe } from '@jest/globals';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { type SwiftServer, startSwiftServer } from '../../bench/swiftServer.js';
import { BackupBucket } from '../../functions/backup/offsite/BackupBucket.js';
import { createS3Client } from '../../functions/backup/offsite/createS3Client.js';

// The server itself lives with the bench (built, free of jest), which starts it too: one implementation.
import { swiftInstalled } from '../../bench/swiftServer.js';

export {
  SWIFT_ACCESS_KEY,
  SWIFT_SECRET,
  type SwiftServer,
  type SwiftServerOptions,
  startSwiftServer,
  swiftInstalled,
} from '../../bench/swiftServer.js';

/** A suite against the real Swift server: skipped with a message when Swift is not installed, never under CI. */
export const describeWithSwift: typeof describe = ((name: string, body: () => void) => {
  if (swiftInstalled() || process.env.CI === 'true') return describe(name, body);
  process.stderr.write(
    `SKIPPED "${name}": OpenStack Swift is not installed (apt-get install swift-proxy swift-account swift-container swift-object memcached; CI never skips)\n`,
  );
  return describe.skip(name, body);
}) as typeof describe;

/**
 * A suite's own Swift server with one bucket, started before its tests and stopped after them by pid:
 * `swift()`, `client()` (the SDK's, configured as the product configures it) and `bucketAt(prefix)`.
 */
export function swiftBucketForSuite(bucket: string) {
  let swift: SwiftServer;
  let client: S3Client;
  beforeAll(async () => {
    swift = await startSwiftServer();
    client = createS3Client(swift.env);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }, 90_000);
  afterAll(async () => {
    client?.destroy();
    await swift?.stop();
  });
  return {
    swift: () => swift,
    client: () => client,
    bucketAt: (prefix: string) => new BackupBucket(client, { bucket, prefix }),
  };
}

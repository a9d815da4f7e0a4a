import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { bucketContents, putObjects } from '../../../test/support/bucketObjects.js';
import { SERIES_NOW } from '../../../test/support/sixteenMonths.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../../test/support/swiftServer.js';
import { waitUntil } from '../../../test/support/waitUntil.js';
import { formatBackupFileName } from '../retention/backupFileName.js';
import { DEFAULT_RETENTION_POLICY } from '../retention/RetentionPolicy.js';
import { BackupBucket } from './BackupBucket.js';
import { BucketRotationIncompleteError } from './BucketRotationIncompleteError.js';
import { BucketRotator } from './BucketRotator.js';
import { createS3Client } from './createS3Client.js';

const BUCKET = 'rotations';
const HOUR = 3_600_000;
const b = (at: Date | string, database = 'notes') => formatBackupFileName(database, new Date(at));

describeWithSwift('BucketRotator against a real S3-compatible server (OpenStack Swift with s3api)', () => {
  let swift: SwiftServer;
  let client: S3Client;
  const bucketAt = (prefix: string) => new BackupBucket(client, { bucket: BUCKET, prefix });
  beforeAll(async () => {
    swift = await startSwiftServer();
    client = createS3Client(swift.env);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }, 90_000);
  afterAll(async () => {
    client?.destroy();
    await swift?.stop();
  });

  it('never overwrites another object of the same name in archive/: the backup stays, reported as skipped', async () => {
    const bucket = bucketAt('clash/');
    const [older, newer] = [b('2026-06-01T00:00:00Z'), b('2026-11-20T00:00:00Z')];
    await putObjects(client, BUCKET, [bucket.keyOf(older), bucket.keyOf(newer)]);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: bucket.keyOf(older, 'archive'), Body: 'another object\n' }));
    const policy = { ...DEFAULT_RETENTION_POLICY, keepLast: 1, keepWeeks: 0, keepMonths: 0 };

    const result = await new BucketRotator({ bucket, policy, clock: () => SERIES_NOW }).rotate();

    expect(result.skipped).toEqual([{ file: older, cause: 'archive-name-taken' }]);
    expect(result.archived).toEqual([]);
    expect(await bucketContents(bucket)).toEqual({ backups: [older, newer].sort(), archived: [older], records: [], others: 0 });
    const archivedBody = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: bucket.keyOf(older, 'archive') }));
    expect(await archivedBody.Body?.transformToString()).toBe('another object\n');
  });

  it('stopped part-way (the server gone) says how far it got, loses nothing, and the next rotation finishes', async () => {
    const backups = Array.from({ length: 60 }, (_, day) => b(new Date(Date.parse('2026-10-01T12:00:00Z') + day * 12 * HOUR)));
    const bucket = bucketAt('interrupted/');
    await putObjects(
      client,
      BUCKET,
      backups.map((file) => bucket.keyOf(file)),
    );
    const policy = { ...DEFAULT_RETENTION_POLICY, keepLast: 1, keepWeeks: 0, keepMonths: 0 };
    const watcher = bucketAt('interrupted/');

    const rotation = new BucketRotator({ bucket, policy, clock: () => SERIES_NOW, concurrency: 1 }).rotate();
    await waitUntil(async () => (await watcher.list()).archived.length >= 3, 'three backups archived', { timeoutMs: 60_000 });
    await swift.stopProxy();
    const error = await rotation.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await swift.startProxy();

    expect(error).toBeInstanceOf(BucketRotationIncompleteError);
    const { done } = error as BucketRotationIncompleteError;
    // The watcher may have seen a copy whose original was not deleted yet: that move is not done.
    expect(done.archived.length).toBeGreaterThanOrEqual(2);
    expect(done.archived.length).toBeLessThan(59);
    expect((error as Error).message).toMatch(
      /^the rotation of the bucket stopped after archiving \d+ of 59 and deleting 0 of 0: cannot reach/,
    );
    const between = await bucketContents(bucket);
    // Every backup is still somewhere: each archived one in archive/ and gone from the folder.
    expect(new Set([...between.backups, ...between.archived])).toEqual(new Set(backups));
    for (const file of done.archived) expect(between.backups).not.toContain(file);

    const rest = await new BucketRotator({ bucket, policy, clock: () => SERIES_NOW }).rotate();

    const after = await bucketContents(bucket);
    expect(after.backups).toEqual([backups[59]]);
    expect(after.archived).toEqual(backups.slice(0, 59).sort());
    // A move stopped between its copy and its delete is finished, not skipped.
    expect(rest.skipped).toEqual([]);
    expect([...done.archived, ...rest.archived].sort()).toEqual(backups.slice(0, 59).sort());
  }, 240_000);
});

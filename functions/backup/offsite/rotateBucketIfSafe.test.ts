import { expect, it } from '@jest/globals';
import { bucketContents, putObjects } from '../../../test/support/bucketObjects.js';
import { describeWithSwift, swiftBucketForSuite } from '../../../test/support/swiftServer.js';
import { silentLogger } from '../../log/Logger.js';
import { formatBackupFileName } from '../retention/backupFileName.js';
import { DEFAULT_RETENTION_POLICY } from '../retention/RetentionPolicy.js';
import { BackupBucket } from './BackupBucket.js';
import { BucketRotator } from './BucketRotator.js';
import { rotateBucketIfSafe } from './rotateBucketIfSafe.js';

const BUCKET = 'before-backups';
const DAY = 24 * 3_600_000;

describeWithSwift('rotateBucketIfSafe (the rotation before each backup) against a real Swift', () => {
  const suite = swiftBucketForSuite(BUCKET);

  it.each([
    ['a correct clock: rotates', 0, undefined],
    [
      "a clock 400 days ahead, the database server's agreeing (one mis-set host): the bucket's clock refuses",
      400 * DAY,
      /^this machine's clock \(.+\) is 400 days ahead of the bucket's .*: nothing was archived or deleted; the backup was still written$/,
    ],
  ])('%s', async (_case, offsetMs, refusal) => {
    const bucket = new BackupBucket(suite.client(), { bucket: BUCKET, prefix: `shift-${offsetMs}/` });
    // 14 daily backups and 10 monthly ones, each with its record.
    const files = [
      ...Array.from({ length: 14 }, (_, day) => day * DAY),
      ...Array.from({ length: 10 }, (_, month) => (month + 1) * 31 * DAY),
    ].map((ago) => formatBackupFileName('notes', new Date(Date.now() - ago)));
    await putObjects(suite.client(), BUCKET, [...files.map((file) => bucket.keyOf(file)), ...files.map((file) => bucket.recordKey(file))]);
    const before = await bucketContents(bucket);
    const clock = () => new Date(Date.now() + offsetMs);
    const rotator = new BucketRotator({ bucket, policy: DEFAULT_RETENTION_POLICY, clock });
    const now = clock();

    const outcome = await rotateBucketIfSafe(rotator, { database: 'notes', serverTime: now }, now, silentLogger);

    if (refusal) {
      expect(outcome.problem).toEqual({ code: 'CLOCK_SKEW', message: expect.stringMatching(refusal) });
      expect(outcome.rotation).toMatchObject({ kept: [], archived: [], deletedFromMain: [], deletedFromArchive: [] });
      expect(await bucketContents(bucket)).toEqual(before);
    } else {
      expect(outcome.problem).toBeUndefined();
      // The newest 5, 4 weeks and 12 months kept: the oldest monthly backups archived.
      expect(outcome.rotation.archived.length).toBeGreaterThan(0);
      expect((await bucketContents(bucket)).archived).toEqual([...outcome.rotation.archived].sort());
    }
  });
});

import { afterAll, beforeAll, beforeEach, afterEach, expect, it } from '@jest/globals';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { lambdaContext, restEvent } from '../../test/support/events.js';
import { createTestDatabase, describeWithPostgres } from '../../test/support/postgres.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../test/support/swiftServer.js';
import { namesIn, removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import type { BackupAnswer } from '../backup/BackupAnswer.js';
import type { BackupBucket } from '../backup/offsite/BackupBucket.js';
import { createS3Client } from '../backup/offsite/createS3Client.js';
import { formatBackupFileName } from '../backup/retention/backupFileName.js';
import { loadConfig } from '../config/loadConfig.js';
import { silentLogger } from '../log/Logger.js';
import { wireParts } from '../wiring/wireParts.js';
import { createDbBackupHandler } from './handler.js';

const DAY = 24 * 3_600_000;
const BUCKET = 'offsite';

/** Everything under the prefix, by place: what a rotation may change. */
async function contents(bucket: BackupBucket) {
  const listing = await bucket.list();
  return {
    backups: listing.backups.map(({ file }) => file).sort(),
    archived: listing.archived.map(({ file }) => file).sort(),
    records: [...listing.records].sort(),
    others: listing.others,
  };
}

describeWithSwift('POST /db-backup rotates the bucket too (real Swift, PostgreSQL and pg_dump)', () => {
  describeWithPostgres('with BACKUP_S3_URL', () => {
    let swift: SwiftServer;
    let client: S3Client;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let dir: string;
    let prefix: string;
    let count = 0;

    beforeAll(async () => {
      [swift, database] = await Promise.all([startSwiftServer(), createTestDatabase()]);
      client = createS3Client(swift.env);
      await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    }, 90_000);
    afterAll(async () => {
      client?.destroy();
      await Promise.all([swift?.stop(), database?.drop()]);
    });
    beforeEach(async () => {
      dir = await tempFolder('notes-offsite-rotation-');
      prefix = `run-${++count}/`;
    });
    afterEach(() => removeFolder(dir));

    /** The API's parts as production wires them, the bucket at `prefix`, the clock shifted by `offsetMs`. */
    const partsFor = (offsetMs = 0) =>
      wireParts({
        config: () => loadConfig({ DATABASE_URL: database.url, BACKUP_DIR: dir, BACKUP_S3_URL: `s3://${BUCKET}/${prefix}` }),
        logger: silentLogger,
        clock: () => new Date(Date.now() + offsetMs),
        env: swift.env,
      });
    const post = async (parts: ReturnType<typeof partsFor>) => {
      const handler = createDbBackupHandler({ service: parts.service, logger: silentLogger });
      const result = (await handler(restEvent('POST', '/db-backup') as never, lambdaContext())) as APIGatewayProxyResult;
      return { status: result.statusCode, answer: JSON.parse(result.body) as BackupAnswer };
    };

    /** A month of daily backups of the database in the bucket (each with its record), two old ones of another database, a note. */
    async function monthInBucket(bucket: BackupBucket) {
      const ours = Array.from({ length: 30 }, (_, day) => formatBackupFileName(database.name, new Date(Date.now() - (day + 1) * DAY)));
      const theirs = [60, 61].map((days) => formatBackupFileName('other_db', new Date(Date.now() - days * DAY)));
      const keys = [...ours, ...theirs].flatMap((file) => [bucket.keyOf(file), bucket.recordKey(file)]);
      for (const key of [...keys, `${prefix}notes.txt`]) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x\n' }));
      return { ours: ours.sort(), theirs: theirs.sort() };
    }

    it('with the local folder wiped, rotates the bucket by its own listing: archives, deletes nothing the rules keep', async () => {
      const parts = partsFor();
      const bucket = parts.bucket()!;
      const { ours, theirs } = await monthInBucket(bucket);
      const before = await contents(bucket);

      const { status, answer } = await post(parts);

      expect(status).toBe(201);
      const rotation = answer.offsite!.rotation!;
      expect(rotation.problem).toBeUndefined();
      const kept = rotation.kept.map(({ file }) => file);
      expect(kept.slice(0, 5)).toEqual(ours.slice(-5).reverse());
      expect([...kept, ...rotation.archived].sort()).toEqual(ours);
      expect(rotation.archived.length).toBeGreaterThan(10);
      expect(rotation.deleted).toEqual([]);
      const after = await contents(bucket);
      // Besides what the rotation kept: the new backup, copied after the rotation, with its record.
      expect(answer.backup.offsite?.status).toBe('uploaded');
      expect(after.backups).toEqual([...kept, ...theirs, answer.backup.file].sort());
      expect(after.archived).toEqual([...rotation.archived].sort());
      expect(after.records).toEqual([...before.records, answer.backup.file].sort());
      expect(after.others).toBe(1);
      // The folder was empty: its rotation had nothing to do, and the new backup is there.
      expect(answer.rotation.kept).toEqual([]);
      expect(await namesIn(dir)).toContain(answer.backup.file);
    }, 120_000);

    it("when this process's clock is a year ahead of the database server's: backs up, rotates nothing in the bucket, says why", async () => {
      const parts = partsFor(365 * DAY);
      const bucket = parts.bucket()!;
      await monthInBucket(bucket);
      const before = await contents(bucket);

      const { status, answer } = await post(parts);

      expect(status).toBe(201);
      expect(answer.offsite!.rotation).toMatchObject({
        kept: [],
        archived: [],
        deleted: [],
        problem: { code: 'CLOCK_SKEW', message: expect.stringMatching(/nothing was archived or deleted$/) },
      });
      // Nothing archived or deleted: the bucket holds what it held, and the new backup's copy (named by this clock).
      const after = await contents(bucket);
      expect(after.backups).toEqual([...before.backups, answer.backup.file].sort());
      expect(after.archived).toEqual(before.archived);
      expect(after.records).toEqual([...before.records, answer.backup.file].sort());
      expect(await namesIn(dir)).toContain(answer.backup.file);
    }, 120_000);

    it('when the bucket cannot be reached: the backup is still written, and the answer says why the bucket was not rotated (skipped after the catch-up found it unreachable)', async () => {
      const parts = partsFor();
      const bucket = parts.bucket()!;
      await monthInBucket(bucket);
      const before = await contents(bucket);
      await swift.stopProxy();
      let result: Awaited<ReturnType<typeof post>>;
      try {
        result = await post(parts);
      } finally {
        await swift.startProxy();
      }

      expect(result.status).toBe(201);
      // The catch-up found the server unreachable first: the bucket's rotation is not tried in the same run.
      expect(result.answer.offsite!.problem).toMatchObject({ code: 'OFFSITE_UNREACHABLE' });
      expect(result.answer.offsite!.rotation!.problem).toEqual({
        code: 'OFFSITE_SKIPPED',
        message: expect.stringMatching(
          new RegExp(
            `^skipped: the bucket did not answer earlier in this run \\(cannot reach the server of s3://${BUCKET}/${prefix} .*\\); nothing in the bucket was archived or deleted$`,
          ),
        ),
      });
      expect(await namesIn(dir)).toContain(result.answer.backup.file);
      expect(await contents(bucket)).toEqual(before);
    }, 120_000);
  });
});

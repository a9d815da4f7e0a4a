import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand, HeadObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackupBucket } from '../../functions/backup/offsite/BackupBucket.js';
import { createS3Client } from '../../functions/backup/offsite/createS3Client.js';
import { loadConfig } from '../../functions/config/loadConfig.js';
import { createDbBackupHandler } from '../../functions/db-backup/handler.js';
import { silentLogger } from '../../functions/log/Logger.js';
import { wireParts } from '../../functions/wiring/wireParts.js';
import { callRoute } from '../support/events.js';
import { createTestDatabase, describeWithPostgres, runSql } from '../support/postgres.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../support/swiftServer.js';
import { removeFolder, tempFolder } from '../support/tempFolder.js';

const BUCKET = 'large';
const MB = 1_000_000;

/** The sha256 of a stream of any size, read once in chunks (never held whole). */
async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(stream, hash);
  return hash.digest('hex');
}

/**
 * A backup of over 600 MB copied while it is written, end to end: the real API handler, pg_dump and
 * OpenStack Swift (a few minutes: the database is generated, dumped and uploaded, then read back).
 */
describeWithPostgres('A 600 MB backup lands in the bucket whole (real PostgreSQL, pg_dump, Swift)', () => {
  describeWithSwift('against OpenStack Swift with s3api', () => {
    let swift: SwiftServer;
    let client: S3Client;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let dir: string;
    beforeAll(async () => {
      [swift, database, dir] = await Promise.all([startSwiftServer(), createTestDatabase('notes_large'), tempFolder('notes-large-')]);
      client = createS3Client(swift.env);
      await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
      // 660,000 rows of about 1 KB of text each, distinct per row (md5 of the row number, repeated): about
      // 650 MB of plain SQL. PostgreSQL compresses the repeats on disk, so the table itself stays small.
      await runSql(
        'create table big as select g as id, repeat(md5(g::text) || md5((g::bigint * 7919)::text), 15) as body from generate_series(1, 660000) g',
        database.url,
      );
    }, 180_000);
    afterAll(async () => {
      client?.destroy();
      await swift?.stop();
      await database?.drop();
      if (dir) await removeFolder(dir);
    });

    it('POST /db-backup: a multipart object whose sha256 is the local file’s and its record’s, and no multipart upload left', async () => {
      const parts = wireParts({
        config: () => loadConfig({ DATABASE_URL: database.url, BACKUP_DIR: dir, BACKUP_S3_URL: `s3://${BUCKET}/notes/` }),
        logger: silentLogger,
        env: swift.env,
      });

      const answer = await callRoute(createDbBackupHandler(parts), 'POST', '/db-backup');

      expect(answer.status).toBe(201);
      const { backup } = answer.json;
      expect(backup.offsite).toMatchObject({ status: 'uploaded', key: `notes/${backup.file}` });
      const local = await stat(backup.path);
      expect(local.size).toBeGreaterThanOrEqual(600 * MB);
      expect(backup.bytes).toBe(local.size);
      const bucket = new BackupBucket(client, { bucket: BUCKET, prefix: 'notes/' });
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `notes/${backup.file}` }));
      expect(head.ContentLength).toBe(local.size);
      // A multipart upload's ETag is the MD5 of its parts' MD5s with their count: `"…-N"`.
      const partCount = Number(/-(\d+)"?$/.exec(head.ETag ?? '')?.[1]);
      expect(partCount).toBeGreaterThanOrEqual(2);
      const fileSha256 = await sha256Of(createReadStream(backup.path));
      const objectSha256 = await sha256Of((await bucket.download(bucket.keyOf(backup.file))).body);
      expect({ object: objectSha256, record: (await bucket.readRecord(backup.file))?.sha256, answer: backup.sha256 }).toEqual({
        object: fileSha256,
        record: fileSha256,
        answer: fileSha256,
      });
      const open = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'notes/' }));
      expect(open.Uploads ?? []).toEqual([]);
    }, 300_000);
  });
});

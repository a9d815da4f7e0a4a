import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { CreateBucketCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createTestDatabase, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../../test/support/swiftServer.js';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { databaseConnection } from '../../db/databaseConnection.js';
import { BackupCreator } from '../dump/BackupCreator.js';
import { PgDumpSource } from '../dump/PgDumpSource.js';
import { BackupFolder } from '../folder/BackupFolder.js';
import { BackupBucket } from './BackupBucket.js';
import { BucketCopier } from './BucketCopier.js';
import { createS3Client } from './createS3Client.js';

/** The TEST-ONLY public key of test/fixtures/age. */
const TEST_RECIPIENTS = ['age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp'];
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const MiB = 1024 * 1024;

describeWithPostgres('BucketCopier: each backup copied while it is written (real pg_dump, real Swift)', () => {
  describeWithSwift('against OpenStack Swift with s3api', () => {
    let swift: SwiftServer;
    let client: S3Client;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let dir: string;
    beforeAll(async () => {
      [swift, database] = await Promise.all([startSwiftServer(), createTestDatabase('notes_copier')]);
      client = createS3Client(swift.env);
      await client.send(new CreateBucketCommand({ Bucket: 'copies' }));
      // About 30 MB of SQL: four 8 MiB parts.
      await runSql("create table big as select g, md5(g::text) || repeat('x', 200) as t from generate_series(1, 120000) g", database.url);
    }, 90_000);
    afterAll(async () => {
      client?.destroy();
      await swift?.stop();
      await database?.drop();
    });
    beforeEach(async () => {
      dir = await tempFolder('notes-copier-');
    });
    afterEach(() => removeFolder(dir));

    const creatorFor = (bucket: BackupBucket, options: { gzipLevel?: number; maxLagBytes?: number; encryptTo?: string[] } = {}) => {
      const folder = new BackupFolder(dir);
      return {
        folder,
        creator: new BackupCreator({
          folder,
          ...(options.gzipLevel ? { gzipLevel: options.gzipLevel } : {}),
          ...(options.encryptTo ? { encryptTo: options.encryptTo } : {}),
          source: new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: database.url }) }),
          offsite: new BucketCopier({
            bucket,
            folder,
            timeoutMs: 60_000,
            ...(options.maxLagBytes === undefined ? {} : { maxLagBytes: options.maxLagBytes }),
          }),
        }),
      };
    };

    it.each([
      ['plain SQL, in parts fed from the hash reader', 'plain/', {}, 4],
      ['plain SQL, the copy behind the dump from the start (read from the file)', 'behind/', { maxLagBytes: 1 }, 4],
      ['gzip, uploaded as the file is (opaque bytes)', 'gzip/', { gzipLevel: 6 }, 1],
      ['encrypted (age), the same ciphertext as the file', 'age/', { encryptTo: TEST_RECIPIENTS }, 4],
      ['gzip and encrypted (age), the same ciphertext as the file', 'gzip-age/', { gzipLevel: 6, encryptTo: TEST_RECIPIENTS }, 1],
    ])('%s: the object equals the file, its record the manifest, nothing left open', async (_case, prefix, options, parts) => {
      const bucket = new BackupBucket(client, { bucket: 'copies', prefix });
      const { folder, creator } = creatorFor(bucket, options);

      const backup = await creator.create();

      const local = await readFile(backup.path);
      expect(local.subarray(0, 22).toString('latin1') === 'age-encryption.org/v1\n').toBe('encryptTo' in options);
      expect(backup.offsite).toEqual({
        key: `${prefix}${backup.file}`,
        url: `s3://copies/${prefix}${backup.file}`,
        status: 'uploaded',
        ms: expect.any(Number),
      });
      const { body } = await bucket.download(backup.offsite!.key);
      expect(sha256(Buffer.concat(await body.toArray()))).toBe(sha256(local));
      const entry = await folder.manifest.entry(backup.file);
      const encrypted = 'encryptTo' in options;
      // An encrypted backup's record, like its manifest entry, holds no table names, rows or digests.
      expect(await bucket.readRecord(backup.file)).toEqual({
        file: backup.file,
        sha256: entry.sha256,
        bytes: local.length,
        startedAt: backup.startedAt,
        ...(encrypted ? {} : { contents: entry.contents }),
      });
      if (encrypted) expect(entry.contents).toBeUndefined();
      else expect(entry.contents?.sections?.length).toBeGreaterThan(0);
      expect(entry.offsite).toEqual({ url: backup.offsite!.url, key: backup.offsite!.key, at: expect.any(String) });
      expect(Math.ceil(local.length / (8 * MiB))).toBe(parts);
      const open = await client.send(new ListMultipartUploadsCommand({ Bucket: 'copies', Prefix: prefix }));
      expect(open.Uploads ?? []).toEqual([]);
    });

    it.each([
      [
        'a missing bucket',
        () => new BackupBucket(client, { bucket: 'no-such-bucket', prefix: '' }),
        'OFFSITE_BUCKET_MISSING',
        /does not exist/,
      ],
      [
        'a wrong secret (403)',
        () =>
          new BackupBucket(createS3Client({ ...swift.env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' }), {
            bucket: 'copies',
            prefix: 'denied/',
          }),
        'OFFSITE_ACCESS_DENIED',
        /refused these credentials/,
      ],
    ])('with %s: the local backup is written and kept, the copy failed with a clear reason', async (_case, bucketFor, code, reason) => {
      const { folder, creator } = creatorFor(bucketFor());

      const backup = await creator.create();

      expect(await namesIn(dir)).toEqual(expect.arrayContaining([backup.file]));
      expect(sha256(await readFile(backup.path))).toBe(backup.sha256);
      expect(backup.offsite).toMatchObject({ status: 'failed', code, reason: expect.stringMatching(reason) });
      expect(JSON.stringify(backup)).not.toContain(swift.env.AWS_SECRET_ACCESS_KEY);
      expect((await folder.manifest.entry(backup.file)).offsite).toBeUndefined();
    });
  });
});

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { callRoute } from '../../../test/support/events.js';
import { createTestDatabase, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../../test/support/swiftServer.js';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { waitUntil } from '../../../test/support/waitUntil.js';
import { createBackupStatusHandler } from '../../backup-status/handler.js';
import { loadConfig } from '../../config/loadConfig.js';
import { createDbBackupHandler } from '../../db-backup/handler.js';
import { jsonLogger } from '../../log/Logger.js';
import { wireParts } from '../../wiring/wireParts.js';
import { BackupBucket } from './BackupBucket.js';
import { createS3Client } from './createS3Client.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const MiB = 1024 * 1024;

describeWithPostgres('Offsite copies that fail cost no backup, and the next backup catches up (real API handlers, pg_dump, Swift)', () => {
  describeWithSwift('against OpenStack Swift with s3api', () => {
    let swift: SwiftServer;
    let client: S3Client;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    const folders: string[] = [];
    beforeAll(async () => {
      [swift, database] = await Promise.all([startSwiftServer(), createTestDatabase('notes_catchup')]);
      client = createS3Client(swift.env);
      await client.send(new CreateBucketCommand({ Bucket: 'offsite' }));
      // About 60 MB of SQL: the dump takes long enough to stop the server while it is written.
      await runSql("create table big as select g, md5(g::text) || repeat('x', 200) as t from generate_series(1, 240000) g", database.url);
    }, 90_000);
    afterAll(async () => {
      client?.destroy();
      await swift?.stop();
      await database?.drop();
      await Promise.all(folders.map(removeFolder));
    });

    /** The API's handlers as the composition root wires them, with offsite copies to `prefix`; every log line kept. */
    async function api(prefix: string, env: Record<string, string> = {}, onLine: (line: string) => void = () => undefined) {
      const dir = await tempFolder('notes-offsite-');
      folders.push(dir);
      const lines: string[] = [];
      const settings = { DATABASE_URL: database.url, BACKUP_DIR: dir, BACKUP_S3_URL: `s3://offsite/${prefix}`, ...env };
      const parts = wireParts({
        config: () => loadConfig(settings),
        logger: jsonLogger((line) => {
          lines.push(line);
          onLine(line);
        }),
        env: { ...swift.env, ...env },
      });
      const post = createDbBackupHandler(parts);
      const status = createBackupStatusHandler(parts);
      return {
        dir,
        lines,
        backUp: () => callRoute(post, 'POST', '/db-backup'),
        health: () => callRoute(status, 'GET', '/health'),
        listing: () => callRoute(status, 'GET', '/db-backups'),
      };
    }

    const bucketAt = (prefix: string) => new BackupBucket(client, { bucket: 'offsite', prefix });
    const openUploads = async (prefix: string) =>
      (await client.send(new ListMultipartUploadsCommand({ Bucket: 'offsite', Prefix: prefix }))).Uploads ?? [];

    /** Each file's object in the bucket equals it, and its record has its sha256. */
    async function expectOffsite(prefix: string, dir: string, files: string[]) {
      const bucket = bucketAt(prefix);
      for (const file of files) {
        const local = sha256(await readFile(join(dir, file)));
        const { body } = await bucket.download(bucket.keyOf(file));
        expect(sha256(Buffer.concat(await body.toArray()))).toBe(local);
        expect(await bucket.readRecord(file)).toMatchObject({ file, sha256: local });
      }
    }

    it('the server stopped while the dump is written: 201 with the copy failed, the backup kept, /health degraded; the next backup uploads it first', async () => {
      const { dir, lines, backUp, health, listing } = await api('stopped/');
      // Stops the server once the dump is well under way (its multipart upload begun).
      const stopped = waitUntil(
        async () => {
          const partial = (await namesIn(dir)).find((name) => name.endsWith('.partial'));
          return partial !== undefined && (await stat(join(dir, partial)).catch(() => ({ size: 0 }))).size >= 12 * MiB;
        },
        'the dump reaching 12 MiB',
        { timeoutMs: 60_000, intervalMs: 5 },
      ).then(() => {
        swift.freeze();
        return swift.stopProxy();
      });

      const first = await backUp();
      await stopped;
      let degraded: Awaited<ReturnType<typeof health>>;
      try {
        degraded = await health();
      } finally {
        await swift.startProxy();
      }

      expect(first.status).toBe(201);
      expect(first.json.backup.offsite).toMatchObject({ status: 'failed', url: `s3://offsite/stopped/${first.json.backup.file}` });
      expect(first.json.backup.offsite.reason).toMatch(/^cannot reach the server of s3:\/\/offsite\/stopped\/.* \(ECONNREFUSED\)/);
      expect(sha256(await readFile(join(dir, first.json.backup.file)))).toBe(first.json.backup.sha256);
      expect(degraded.status).toBe(200);
      expect(degraded.json).toMatchObject({
        healthy: true,
        degraded: true,
        offsite: { notOffsite: 1 },
        warnings: [
          expect.stringMatching(/^1 backup is not offsite yet \(the last copy failed: cannot reach .+\); the next backup uploads them/),
        ],
      });

      const second = await backUp();

      expect(second.status).toBe(201);
      expect(second.json.offsite.caughtUp).toEqual([
        { file: first.json.backup.file, key: `stopped/${first.json.backup.file}`, ms: expect.any(Number) },
      ]);
      expect(second.json.offsite).toMatchObject({ notOffsite: 0 });
      expect(second.json.offsite.problem).toBeUndefined();
      expect(second.json.backup.offsite).toMatchObject({ status: 'uploaded' });
      await expectOffsite('stopped/', dir, [first.json.backup.file, second.json.backup.file]);
      expect(await openUploads('stopped/')).toEqual([]);
      expect((await health()).json).toMatchObject({ healthy: true, degraded: false, offsite: { notOffsite: 0 }, warnings: [] });
      expect((await listing()).json.offsite).toEqual({
        [first.json.backup.file]: {
          url: `s3://offsite/stopped/${first.json.backup.file}`,
          key: `stopped/${first.json.backup.file}`,
          at: expect.any(String),
        },
        [second.json.backup.file]: {
          url: `s3://offsite/stopped/${second.json.backup.file}`,
          key: `stopped/${second.json.backup.file}`,
          at: expect.any(String),
        },
      });
      expect(lines.join('')).toMatch(/"event":"backup.offsite"/);
    }, 180_000);

    it('never copies a backup that cannot be vouched for: one changed after it was written, one without a recorded sha256; the others are not held up', async () => {
      const { dir, backUp } = await api('vouched/');
      await swift.stopProxy();
      let changed: string;
      let unrecorded: string;
      try {
        changed = (await backUp()).json.backup.file;
        unrecorded = (await backUp()).json.backup.file;
      } finally {
        await swift.startProxy();
      }
      await appendFile(join(dir, changed), "insert into big values (0, 'added after the backup was written');\n");
      const sums = await readFile(join(dir, 'SHA256SUMS'), 'utf8');
      await writeFile(
        join(dir, 'SHA256SUMS'),
        sums
          .split('\n')
          .filter((line) => !line.endsWith(unrecorded))
          .join('\n'),
      );

      const third = await backUp();

      expect(third.status).toBe(201);
      expect(third.json.offsite.refused).toEqual([
        {
          file: changed,
          reason: `${changed} no longer matches the sha256 recorded when it was written (db-backup verify ${changed}): not copied offsite`,
        },
        { file: unrecorded, reason: expect.stringMatching(/^.+ has no sha256 recorded when it was written \(no line in SHA256SUMS\)/) },
      ]);
      expect(third.json.offsite.caughtUp).toEqual([]);
      expect(third.json.offsite.notOffsite).toBe(2);
      expect(third.json.backup.offsite).toMatchObject({ status: 'uploaded' });
      // Nothing under either name: the changed file's upload was aborted before it could complete.
      const listing = await bucketAt('vouched/').list();
      expect(listing.backups.map(({ file }) => file)).toEqual([third.json.backup.file]);
      expect([...listing.records]).toEqual([third.json.backup.file]);
      expect(await openUploads('vouched/')).toEqual([]);
    }, 180_000);

    // The bound: a hung server costs a backup the catch-up's bookkeeping limit (15 s, or BACKUP_S3_TIMEOUT_MS when
    // shorter) and nothing more: the bucket's rotation (30 s) and the copy (BACKUP_S3_TIMEOUT_MS) are not tried.
    it('a hung server (SIGSTOP) before the backup: the catch-up times out, the bucket rotation and the copy are skipped, the backup is whole; caught up once it answers', async () => {
      const { dir, lines, backUp } = await api('hung/');
      swift.freeze();
      let first: Awaited<ReturnType<typeof backUp>>;
      try {
        first = await backUp();
      } finally {
        swift.thaw();
      }

      expect(first.status).toBe(201);
      expect(first.json.offsite.problem).toEqual({
        code: 'OFFSITE_TIMEOUT',
        message: 's3://offsite/hung/ did not answer within 15 s; nothing was uploaded',
      });
      const skipped =
        'skipped: the bucket did not answer earlier in this run (s3://offsite/hung/ did not answer within 15 s; nothing was uploaded)';
      expect(first.json.offsite.rotation).toMatchObject({
        archived: [],
        deleted: [],
        problem: { code: 'OFFSITE_SKIPPED', message: `${skipped}; nothing in the bucket was archived or deleted` },
      });
      expect(first.json.backup.offsite).toEqual({
        key: `hung/${first.json.backup.file}`,
        url: `s3://offsite/hung/${first.json.backup.file}`,
        status: 'failed',
        ms: 0,
        code: 'OFFSITE_SKIPPED',
        reason: `${skipped}; the next backup uploads it`,
      });
      // Neither the rotation nor the copy sent a request: no copy was begun.
      expect(lines.join('')).not.toMatch(/"event":"backup.offsite"/);
      expect(sha256(await readFile(join(dir, first.json.backup.file)))).toBe(first.json.backup.sha256);

      const second = await backUp();

      expect(second.json.offsite.problem).toBeUndefined();
      expect(second.json.offsite.rotation.problem).toBeUndefined();
      expect(second.json.offsite.caughtUp.map((copy: { file: string }) => copy.file)).toEqual([first.json.backup.file]);
      expect(second.json.backup.offsite).toMatchObject({ status: 'uploaded' });
      await expectOffsite('hung/', dir, [first.json.backup.file, second.json.backup.file]);
      expect(await openUploads('hung/')).toEqual([]);
    }, 180_000);

    it('a server that hangs after the catch-up: the bucket rotation times out with nothing done, the copy is skipped, the backup is whole; caught up once it answers', async () => {
      // The folder's rotation is logged between the catch-up and the bucket's rotation: the server hangs there.
      let hangs = true;
      const { dir, backUp } = await api('hung-later/', {}, (line) => {
        if (hangs && line.includes('"event":"rotation.done"')) swift.freeze();
      });
      let first: Awaited<ReturnType<typeof backUp>>;
      try {
        first = await backUp();
      } finally {
        hangs = false;
        swift.thaw();
      }

      expect(first.status).toBe(201);
      expect(first.json.offsite.problem).toBeUndefined();
      expect(first.json.offsite.rotation.problem.code).toBe('OFFSITE_ROTATION_INCOMPLETE');
      expect(first.json.backup.offsite).toMatchObject({
        status: 'failed',
        code: 'OFFSITE_SKIPPED',
        reason:
          'skipped: the bucket did not answer earlier in this run (s3://offsite/hung-later/ did not answer within 30 s); the next backup uploads it',
      });
      expect(sha256(await readFile(join(dir, first.json.backup.file)))).toBe(first.json.backup.sha256);

      const second = await backUp();

      expect(second.json.offsite.caughtUp.map((copy: { file: string }) => copy.file)).toEqual([first.json.backup.file]);
      await expectOffsite('hung-later/', dir, [first.json.backup.file, second.json.backup.file]);
    }, 180_000);

    it.each([
      ['a wrong secret (403)', 'denied/', { AWS_SECRET_ACCESS_KEY: 'wrong-secret-7d1e' }, /refused these credentials/],
      ['a missing bucket', 'missing/', { BACKUP_S3_URL: 's3://no-such-bucket/p' }, /does not exist: create it/],
    ])(
      '%s: a clear reason, the backup kept, and no secret in the answer, the log or /health',
      async (_case, prefix, env, reason) => {
        const { dir, lines, backUp, health } = await api(prefix, env);

        const answer = await backUp();

        expect(answer.status).toBe(201);
        expect(answer.json.backup.offsite).toMatchObject({ status: 'failed', reason: expect.stringMatching(reason) });
        expect(answer.json.offsite.problem.message).toMatch(reason);
        expect(await namesIn(dir)).toContain(answer.json.backup.file);
        const healthAnswer = await health();
        expect(healthAnswer.json).toMatchObject({ healthy: true, degraded: true, offsite: { notOffsite: 1 } });
        for (const secret of [swift.env.AWS_SECRET_ACCESS_KEY!, 'wrong-secret-7d1e']) {
          expect(JSON.stringify(answer.json)).not.toContain(secret);
          expect(JSON.stringify(healthAnswer.json)).not.toContain(secret);
          expect(lines.join('')).not.toContain(secret);
        }
      },
      120_000,
    );
  });
});

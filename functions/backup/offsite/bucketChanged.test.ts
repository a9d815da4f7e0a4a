import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { callRoute } from '../../../test/support/events.js';
import { createTestDatabase, describeWithPostgres } from '../../../test/support/postgres.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../../test/support/swiftServer.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { createBackupStatusHandler } from '../../backup-status/handler.js';
import { loadConfig } from '../../config/loadConfig.js';
import { createDbBackupHandler } from '../../db-backup/handler.js';
import { silentLogger } from '../../log/Logger.js';
import { wireParts } from '../../wiring/wireParts.js';
import { BackupBucket } from './BackupBucket.js';
import { createS3Client } from './createS3Client.js';

describeWithPostgres('Offsite means the bucket and prefix of BACKUP_S3_URL now (real API handlers, pg_dump, Swift)', () => {
  describeWithSwift('against OpenStack Swift with s3api', () => {
    let swift: SwiftServer;
    let client: S3Client;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let dir: string;
    let otherDir: string;
    beforeAll(async () => {
      [swift, database, dir, otherDir] = await Promise.all([
        startSwiftServer(),
        createTestDatabase('notes_moved'),
        tempFolder('notes-moved-'),
        tempFolder('notes-older-'),
      ]);
      client = createS3Client(swift.env);
      for (const Bucket of ['first-bucket', 'second-bucket']) await client.send(new CreateBucketCommand({ Bucket }));
    }, 90_000);
    afterAll(async () => {
      client?.destroy();
      await swift?.stop();
      await database?.drop();
      await Promise.all([dir, otherDir].map(removeFolder));
    });

    /** The API's handlers on one backup folder, copying to `url` (each call a fresh start, as after changing the setting). */
    function api(url: string, folder = dir) {
      const settings = { DATABASE_URL: database.url, BACKUP_DIR: folder, BACKUP_S3_URL: url, BACKUP_KEEP_LAST: '20' };
      const parts = wireParts({ config: () => loadConfig(settings), logger: silentLogger, env: swift.env });
      const post = createDbBackupHandler(parts);
      const status = createBackupStatusHandler(parts);
      return {
        backUp: async () => (await callRoute(post, 'POST', '/db-backup')).json,
        health: async () => (await callRoute(status, 'GET', '/health')).json,
        marked: async () => Object.keys((await callRoute(status, 'GET', '/db-backups')).json.offsite).sort(),
      };
    }
    const inBucket = async (bucket: string, prefix: string) => {
      const listing = await new BackupBucket(client, { bucket, prefix }).list();
      return { backups: listing.backups.map(({ file }) => file).sort(), records: [...listing.records].sort() };
    };

    it('a new bucket: /health counts every backup as not offsite, the next backups catch up into it (3 a run), the listing follows', async () => {
      // Prepare: four backups copied to the first bucket.
      const first = api('s3://first-bucket/notes');
      const taken: string[] = [];
      for (let i = 0; i < 4; i++) taken.push((await first.backUp()).backup.file);
      expect(await first.marked()).toEqual(taken);
      expect((await first.health()).offsite).toEqual({ notOffsite: 0 });

      // Act: BACKUP_S3_URL now names another bucket.
      const second = api('s3://second-bucket/notes');
      const before = { health: await second.health(), marked: await second.marked() };
      const fifth = await second.backUp();
      const afterFifth = {
        health: await second.health(),
        marked: await second.marked(),
        bucket: await inBucket('second-bucket', 'notes/'),
      };
      const sixth = await second.backUp();

      // Assess: nothing of the first bucket counts; the catch-up copies the oldest 3, then the last one.
      expect(before.health).toMatchObject({ healthy: true, degraded: true, offsite: { notOffsite: 4 } });
      expect(before.health.warnings).toEqual([expect.stringMatching(/^4 backups are not offsite yet/)]);
      expect(before.marked).toEqual([]);
      expect(fifth.offsite.caughtUp.map(({ file }: { file: string }) => file)).toEqual(taken.slice(0, 3));
      expect(fifth.offsite.caughtUp.map(({ key }: { key: string }) => key)).toEqual(taken.slice(0, 3).map((file) => `notes/${file}`));
      expect(fifth.offsite.notOffsite).toBe(1);
      expect(fifth.backup.offsite).toMatchObject({ status: 'uploaded', url: `s3://second-bucket/notes/${fifth.backup.file}` });
      expect(afterFifth.health).toMatchObject({ degraded: true, offsite: { notOffsite: 1 } });
      expect(afterFifth.marked).toEqual([...taken.slice(0, 3), fifth.backup.file].sort());
      expect(afterFifth.bucket).toEqual({ backups: afterFifth.marked, records: afterFifth.marked });
      expect(sixth.offsite.caughtUp.map(({ file }: { file: string }) => file)).toEqual([taken[3]]);
      expect(sixth.offsite.notOffsite).toBe(0);
      expect(await second.health()).toMatchObject({ degraded: false, offsite: { notOffsite: 0 } });
      const all = [...taken, fifth.backup.file, sixth.backup.file].sort();
      expect(await second.marked()).toEqual(all);
      expect(await inBucket('second-bucket', 'notes/')).toEqual({ backups: all, records: all });
      const manifest = JSON.parse(await readFile(join(dir, '.db-backup-contents.json'), 'utf8'));
      expect(all.map((file) => manifest[file].offsite.url)).toEqual(all.map((file) => `s3://second-bucket/notes/${file}`));
      // The first bucket was left as it was.
      expect((await inBucket('first-bucket', 'notes/')).backups).toEqual(taken);

      // A corrected prefix of the same bucket is a new place too.
      expect((await api('s3://second-bucket/notes/daily').health()).offsite).toEqual({ notOffsite: 6 });
    }, 240_000);

    it('marks written before marks named their bucket are not trusted: /health counts them, the next backup finds their copies in the listing and uploads nothing again', async () => {
      // Prepare: two backups copied to the bucket, the first one's mark rewritten as an older version wrote it (key only).
      const here = api('s3://first-bucket/older', otherDir);
      const copied = (await here.backUp()).backup.file;
      const other = (await here.backUp()).backup.file;
      const path = join(otherDir, '.db-backup-contents.json');
      const manifest = JSON.parse(await readFile(path, 'utf8'));
      const { url: _, ...keyOnly } = manifest[copied].offsite;
      await writeFile(path, `${JSON.stringify({ ...manifest, [copied]: { ...manifest[copied], offsite: keyOnly } })}\n`);
      const before = await here.health();

      // Act
      const next = await here.backUp();

      // Assess: the old-style mark counted as missing; marked again from the listing, without an upload.
      expect(before.offsite.notOffsite).toBe(1);
      expect(next.offsite.caughtUp).toEqual([]);
      expect(JSON.parse(await readFile(path, 'utf8'))[copied].offsite).toEqual({
        url: `s3://first-bucket/older/${copied}`,
        key: `older/${copied}`,
        at: expect.any(String),
      });
      expect(next.offsite.notOffsite).toBe(0);
      expect(await here.marked()).toEqual([copied, other, next.backup.file].sort());
    }, 240_000);
  });
});

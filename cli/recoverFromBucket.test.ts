import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { createS3Client } from '../functions/backup/offsite/createS3Client.js';
import { BackupManifest } from '../functions/backup/folder/BackupManifest.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { migrate } from '../functions/db/migrate.js';
import { ROOT } from '../test/support/apiProcess.js';
import { rowsOf } from '../test/support/compareDatabases.js';
import { createTestDatabase } from '../test/support/postgres.js';
import { closedPort } from '../test/support/standInServers.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../test/support/swiftServer.js';
import { startThrowAwayServer } from '../test/support/throwAwayServer.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';

/** The built ops command line, as `npm run -s db-backup -- …` runs it, with only the environment given (and PATH, HOME). */
async function dbBackup(args: string[], env: NodeJS.ProcessEnv) {
  const { PATH, HOME } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), ...args], {
      env: { PATH, HOME, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const MiB = 1024 * 1024;

describeWithSwift('recovery from the bucket alone (real Swift, the real db-backup binary, a brand-new initdb server)', () => {
  let swift: SwiftServer;
  let client: S3Client;
  let source: Awaited<ReturnType<typeof createTestDatabase>>;
  let target: Awaited<ReturnType<typeof startThrowAwayServer>>;
  let dir: string;
  /** The TMPDIR of every command: whatever a download leaves behind is found here. */
  let tmp: string;
  let older: string;
  let newer: string;
  let bucket: BackupBucket;
  /** Only the bucket's variables: a brand-new machine, no backup folder, no database configured. */
  const bucketOnly = (more: NodeJS.ProcessEnv = {}) => ({
    ...swift.env,
    BACKUP_S3_URL: 's3://offsite/notes',
    BACKUP_DIR: join(tmp, 'no-such-folder'),
    NOTES_DATA_DIR: join(tmp, 'no-such-data'),
    TMPDIR: tmp,
    ...more,
  });

  /** What helper A's upload leaves in the bucket: the object, then its record from the folder's manifest. */
  async function putOffsite(file: string, place: BackupBucket = bucket) {
    const entry = await new BackupManifest(dir, join(dir, 'archive')).entry(file);
    await place.upload(file, createReadStream(join(dir, file)), { partSize: 5 * MiB });
    const bytes = (await readFile(join(dir, file))).length;
    await place.putRecord({
      file,
      sha256: entry.sha256!,
      bytes,
      startedAt: new Date(entry.startedAtMs!).toISOString(),
      contents: entry.contents,
    });
  }

  beforeAll(async () => {
    [swift, target] = await Promise.all([startSwiftServer(), startThrowAwayServer()]);
    client = createS3Client(swift.env);
    await client.send(new CreateBucketCommand({ Bucket: 'offsite' }));
    bucket = new BackupBucket(client, { bucket: 'offsite', prefix: 'notes/' });
    source = await createTestDatabase('notes_t_offsite');
    await migrate(databaseConnection({ DATABASE_URL: source.url }));
    const db = new pg.Client({ connectionString: source.url });
    await db.connect();
    await db.query(`insert into notes (title, body) select 'note ' || i, 'body ' || i from generate_series(1, 1234) i`);
    await db.end();
    dir = await tempFolder();
    tmp = await tempFolder();
    const server = { DATABASE_URL: source.url, BACKUP_DIR: dir };
    expect((await dbBackup(['create'], server)).code).toBe(0);
    const db2 = new pg.Client({ connectionString: source.url });
    await db2.connect();
    await db2.query(`insert into notes (title, body) values ('the newest note', 'only in the newer backup')`);
    await db2.end();
    expect((await dbBackup(['create'], server)).code).toBe(0);
    [older, newer] = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort() as [string, string];
    await putOffsite(older);
    await putOffsite(newer);
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await Promise.all([swift?.stop(), target?.stop(), source?.drop(), dir && removeFolder(dir), tmp && removeFolder(tmp)]);
  });

  it('list --remote: every backup newest first, with its URL, size, record and the rules that keep it', async () => {
    const result = await dbBackup(['list', '--remote'], bucketOnly());

    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('s3://offsite/notes/: 2 backups, 0 archived; 2 kept, 0 archived, 0 deleted if rotated now');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^s3://offsite/notes/${newer.replace(/\./g, '\\.')}  +\\d+\\.\\d kB  recorded   keep \\(newest 5, week `),
      ),
      expect.stringMatching(
        new RegExp(`^s3://offsite/notes/${older.replace(/\./g, '\\.')}  +\\d+\\.\\d kB  recorded   keep \\(newest 5\\)$`),
      ),
    ]);
  });
});

import { BackupFolder } from '../../functions/backup/folder/BackupFolder.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { formatBackupFileName } from '../../functions/backup/retention/backupFileName.js';
import { BackupRotator } from '../../functions/backup/retention/BackupRotator.js';
import { createBackupService } from '../../functions/backup/createBackupService.js';
import { DEFAULT_RETENTION_POLICY } from '../../functions/backup/retention/RetentionPolicy.js';
import { loadConfig } from '../../functions/config/loadConfig.js';
import { createDbBackupHandler } from '../../functions/db-backup/handler.js';
import { databaseConnection } from '../../functions/db/databaseConnection.js';
import { migrate } from '../../functions/db/migrate.js';
import { silentLogger } from '../../functions/log/Logger.js';
import { lambdaContext, restEvent } from '../support/events.js';
import { createTestDatabase, postgresReachable } from '../support/postgres.js';
import { namesIn, removeFolder, tempFolder } from '../support/tempFolder.js';

/** A 24 MiB tmpfs: a real disk that fills up. Mounting needs root, as in CI. */
function mountSmallDisk(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const canRun = process.getuid?.() === 0 && postgresReachable();
const describeAsRoot = canRun || process.env.CI === 'true' ? describe : describe.skip;
if (!canRun && process.env.CI !== 'true')
  process.stderr.write('SKIPPED "a full backup disk": needs root (to mount a tmpfs) and PostgreSQL\n');

describeAsRoot('a full backup disk (a real 24 MiB tmpfs)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let mountPoint: string;
  const call = async () => {
    const service = createBackupService(loadConfig({ DATABASE_URL: database.url, BACKUP_DIR: mountPoint }), silentLogger);
    const result = (await createDbBackupHandler({ service: () => service, logger: silentLogger })(
      restEvent('POST', '/db-backup') as never,
      lambdaContext(),
    )) as APIGatewayProxyResult;
    return { status: result.statusCode, error: JSON.parse(result.body).error as { code: string; message: string } | undefined };
  };
  /** Names and sizes, without the status file each attempt leaves. */
  const listing = async () =>
    Promise.all((await namesIn(mountPoint)).map(async (name) => [name, (await stat(join(mountPoint, name))).size]));

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // About 40 MB of dump: more than the disk holds.
    await client.query(`insert into notes (title, body) select 'note ' || i, repeat(md5(i::text), 32) from generate_series(1, 40000) i`);
    await client.end();
    mountPoint = await tempFolder('notes-disk-');
    if (!mountSmallDisk(mountPoint)) throw new Error('cannot mount a tmpfs (run as root)');
  });
  afterAll(async () => {
    execFileSync('umount', [mountPoint]);
    await removeFolder(mountPoint);
    await database.drop();
  });

  it('answers 507 before dumping when the last backup would not fit, and changes nothing', async () => {
    const big = formatBackupFileName(database.name, new Date('2026-11-20T10:00:00Z'));
    await writeFile(join(mountPoint, big), Buffer.alloc(18 * 1024 * 1024, 'x'));
    const old = formatBackupFileName(database.name, new Date('2020-01-01T00:00:00Z'));
    await writeFile(join(mountPoint, old), 'old\n');
    try {
      const before = await listing();

      const { status, error } = await call();

      expect(status).toBe(507);
      expect(error?.code).toBe('INSUFFICIENT_STORAGE');
      expect(error?.message).toMatch(
        /^only \d+\.\d MiB free in the backup folder; the next backup needs about \d+\.\d MiB \(the last one took 18\.0 MiB\)$/,
      );
      expect(await listing()).toEqual(before);
    } finally {
      await rm(join(mountPoint, big));
      await rm(join(mountPoint, old));
    }
  });

  it('fails cleanly on a real ENOSPC mid-dump: no partial file, every earlier backup intact', async () => {
    const earlier = ['2026-11-01', '2026-11-02', '2026-11-03'].map((day) =>
      formatBackupFileName(database.name, new Date(`${day}T10:00:00Z`)),
    );
    await Promise.all(earlier.map((file) => writeFile(join(mountPoint, file), `${file}\n`)));

    const { status, error } = await call();

    expect(status).toBe(500);
    expect(error?.code).toBe('DUMP_FAILED');
    const left = await namesIn(mountPoint);
    expect(left).toEqual(earlier.sort());
    for (const file of earlier) expect((await stat(join(mountPoint, file))).size).toBe(file.length + 1);
    const free = Number(execFileSync('df', ['--output=avail', '-B1', mountPoint], { encoding: 'utf8' }).split('\n')[1]);
    expect(free).toBeGreaterThan(20 * 1024 * 1024);
  });
});

describeAsRoot('an archive on another filesystem (EXDEV)', () => {
  it('copies, fsyncs and then removes each archived backup, never losing one', async () => {
    const dir = await tempFolder('notes-exdev-');
    const archive = join(dir, 'archive');
    await mkdir(archive);
    if (!mountSmallDisk(archive)) throw new Error('cannot mount a tmpfs (run as root)');
    try {
      const files = Array.from({ length: 8 }, (_, i) => formatBackupFileName('notes', new Date(Date.UTC(2026, 10, 1 + i, 12))));
      await Promise.all(files.map((file) => writeFile(join(dir, file), `${file}\n`)));

      const result = await new BackupRotator({
        folder: new BackupFolder(dir),
        policy: { ...DEFAULT_RETENTION_POLICY, keepWeeks: 0, keepMonths: 0 },
        clock: () => new Date('2026-11-26T12:00:00Z'),
      }).rotate();

      expect(result.archived).toEqual(files.slice(0, 3).reverse());
      expect(await namesIn(archive)).toEqual(files.slice(0, 3));
      for (const file of files.slice(0, 3)) expect(await readFile(join(archive, file), 'utf8')).toBe(`${file}\n`);
      expect((await namesIn(dir)).filter((name) => name !== 'archive')).toEqual(files.slice(3));
    } finally {
      execFileSync('umount', [archive]);
      await removeFolder(dir);
    }
  });

  it('stops part-way on a full archive disk, says how far it got, and loses nothing', async () => {
    const dir = await tempFolder('notes-exdev-full-');
    const archive = join(dir, 'archive');
    await mkdir(archive);
    if (!mountSmallDisk(archive)) throw new Error('cannot mount a tmpfs (run as root)');
    try {
      // Three 10 MiB backups to archive onto a 24 MiB disk: two fit, the third fills it.
      const files = Array.from({ length: 8 }, (_, i) => formatBackupFileName('notes', new Date(Date.UTC(2026, 10, 1 + i, 12))));
      await Promise.all(files.map((file) => writeFile(join(dir, file), Buffer.alloc(10 * 1024 * 1024, file))));
      const rotator = new BackupRotator({
        folder: new BackupFolder(dir),
        policy: { ...DEFAULT_RETENTION_POLICY, keepWeeks: 0, keepMonths: 0 },
        clock: () => new Date('2026-11-26T12:00:00Z'),
      });

      const failure = await rotator.rotate().catch((error: unknown) => error);

      expect(failure).toMatchObject({
        code: 'ROTATION_FAILED',
        message: 'the rotation stopped after archiving 2 of 3 and deleting 0 of 0 (ENOSPC)',
        done: { archived: files.slice(1, 3).reverse() },
      });
      // Every backup is whole in exactly one place; the failed copy is removed.
      for (const file of files) {
        const where = (await readdir(dir)).includes(file) ? join(dir, file) : join(archive, file);
        expect((await stat(where)).size).toBe(10 * 1024 * 1024);
      }
      expect(await namesIn(archive)).toEqual(files.slice(1, 3));
    } finally {
      execFileSync('umount', [archive]);
      await removeFolder(dir);
    }
  });
});

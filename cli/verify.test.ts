import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { appendFile, copyFile, open, readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { ROOT } from '../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { migrate } from '../functions/db/migrate.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';

/** The built ops command line, as `npm run -s db-backup -- …` runs it. */
async function dbBackup(args: string[], env: NodeJS.ProcessEnv) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL' && !name.startsWith('PG')));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), ...args], {
      env: { ...clean, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describeWithPostgres('db-backup verify (real backups, real PostgreSQL and an embedded scratch database)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let plain: string;
  let gzipped: string;
  const server = () => ({ DATABASE_URL: database.url, BACKUP_DIR: dir });

  beforeAll(async () => {
    database = await createTestDatabase('notes_t_verify');
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`insert into notes (title, body) select 'note ' || i, 'body ' || i from generate_series(1, 1234) i`);
    await client.query(`select lo_from_bytea(0, 'a large object')`);
    await client.end();
    dir = await tempFolder();
    expect((await dbBackup(['create'], server())).code).toBe(0);
    expect((await dbBackup(['create'], { ...server(), BACKUP_COMPRESS: 'gzip' })).code).toBe(0);
    const backups = (await readdir(dir)).filter((name) => /\.sql(\.gz)?$/.test(name)).sort();
    plain = backups.find((name) => name.endsWith('.sql'))!;
    gzipped = backups.find((name) => name.endsWith('.sql.gz'))!;
  });
  afterAll(async () => {
    await removeFolder(dir);
    await database.drop();
  });

  it('records each backup in SHA256SUMS, which sha256sum -c accepts', async () => {
    const { stdout } = await promisify(execFile)('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });

    expect(stdout.split('\n').filter(Boolean).sort()).toEqual([`${gzipped}: OK`, `${plain}: OK`].sort());
  });

  it.each([
    ['a plain backup, on a scratch database of the configured server', () => plain, true],
    ['a gzipped backup, on a scratch database of the configured server', () => gzipped, true],
    ['a plain backup, on an embedded scratch database (no server configured)', () => plain, false],
  ])('proves %s: checksum, then every table and large object as recorded', async (_what, backup, onServer) => {
    const result = await dbBackup(['verify', backup(), '--json'], onServer ? server() : { BACKUP_DIR: dir });

    expect(result.code).toBe(0);
    const [verified] = JSON.parse(result.stdout);
    // 1,234 notes and the migrations table's one row.
    expect(verified).toMatchObject({ file: backup(), ok: true, problems: [], restored: { rows: 1235, largeObjects: 1 } });
    const contents = JSON.parse(await readFile(join(dir, '.db-backup-contents.json'), 'utf8'));
    expect(contents[backup()]).toMatchObject({ rows: { 'public.notes': 1234 }, largeObjects: 1, verified: { ok: true } });
  });

  it('fails when a table restores with other rows than were recorded', async () => {
    const contentsPath = join(dir, '.db-backup-contents.json');
    const before = await readFile(contentsPath, 'utf8');
    const contents = JSON.parse(before);
    contents[plain].rows['public.notes'] = 1000;
    await writeFile(contentsPath, JSON.stringify(contents));
    try {
      const result = await dbBackup(['verify', plain], server());

      expect(result.code).toBe(1);
      expect(result.stdout).toContain(': table public.notes: 1000 rows when written, 1234 after the restore');
    } finally {
      await writeFile(contentsPath, before);
    }
  });

  it('leaves no scratch database behind on the server', async () => {
    await dbBackup(['verify', plain], server());
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query("select datname from pg_database where datname like 'notes_verify_%'");
    await client.end();

    expect(rows).toEqual([]);
  });

  describe.each([
    [
      'a truncated file',
      1,
      async (path: string) => truncate(path, 1000),
      /its sha256 is not the one recorded when it was written \(changed or damaged since\)/,
    ],
    [
      'one flipped byte',
      2,
      async (path: string) => {
        const handle = await open(path, 'r+');
        const byte = Buffer.alloc(1);
        await handle.read(byte, 0, 1, 500);
        await handle.write(Buffer.from([byte[0]! ^ 0x01]), 0, 1, 500);
        await handle.close();
      },
      /its sha256 is not the one recorded/,
    ],
    [
      'no entry in the manifest (a file copied in from elsewhere)',
      3,
      async (path: string) => appendFile(path, ''),
      /no checksum was recorded for it \(no entry in SHA256SUMS\)/,
    ],
  ])('a backup with %s', (_what, hours, damage, message) => {
    it('fails with exit 1 and says what differs', async () => {
      // A copy under another backup name (hours later), damaged; its manifest entry copied too unless that is the fault.
      const name = plain.replace(/T(\d\d)-/, (_m, hour: string) => `T${String((Number(hour) + hours) % 24).padStart(2, '0')}-`);
      const path = join(dir, name);
      await copyFile(join(dir, plain), path);
      const sums = await readFile(join(dir, 'SHA256SUMS'), 'utf8');
      const entry = sums.split('\n').find((line) => line.endsWith(`  ${plain}`))!;
      if (!String(message).includes('no checksum')) await writeFile(join(dir, 'SHA256SUMS'), `${sums}${entry.replace(plain, name)}\n`);
      await damage(path);

      const result = await dbBackup(['verify', name], server());

      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`^FAILED  ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(result.stdout).toMatch(message);
      expect(result.stderr).toBe('db-backup: 1 of 1 backups failed verification\n');
      const contents = JSON.parse(await readFile(join(dir, '.db-backup-contents.json'), 'utf8'));
      expect(contents[name].verified).toMatchObject({ ok: false, problems: [expect.stringMatching(message)] });
    });
  });
});

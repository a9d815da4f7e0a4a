import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { appendFile, copyFile, open, readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { ROOT, startApiProcess } from '../test/support/apiProcess.js';
import { startNotes } from '../test/support/cliProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { migrate } from '../functions/db/migrate.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { migrationNames } from '../test/support/migrationNames.js';

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
    // 1,234 notes and the migrations table's row for each migration.
    const rows = 1234 + migrationNames().length;
    expect(verified).toMatchObject({ file: backup(), ok: true, problems: [], restored: { rows, largeObjects: 1 } });
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
      expect(result.stdout).toContain(
        ': it is not what was written, though its sha256 matches SHA256SUMS (both changed?): table public.notes: 1000 rows when written, 1234 in the file',
      );
    } finally {
      await writeFile(contentsPath, before);
    }
  });

  it("shows each backup's last verification in GET /db-backups and in the app's backups", async () => {
    await dbBackup(['verify', plain], server());
    const api = await startApiProcess(server());
    try {
      const listing = (await (await fetch(`${api.url}/db-backups`)).json()) as { verified: Record<string, { ok: boolean; at: string }> };
      const app = await startNotes(['--api-url', api.url, 'backups'], { NO_COLOR: '1' }).exited;

      expect(listing.verified[plain]).toMatchObject({ ok: true, at: expect.stringMatching(/^\d{4}-/) });
      expect(app.stdout).toMatch(new RegExp(`^${plain.replace(/\./g, '\\.')}  keep: .*  verified \\d{4}-\\d{2}-\\d{2}$`, 'm'));
    } finally {
      await api.stop();
    }
  });

  it('BACKUP_VERIFY=after-create: every POST /db-backup answers with the new backup verified, and /health says so', async () => {
    const api = await startApiProcess({ ...server(), BACKUP_VERIFY: 'after-create' });
    try {
      const answer = (await (await fetch(`${api.url}/db-backup`, { method: 'POST' })).json()) as {
        backup: { file: string };
        verification: { ok: boolean; problems: string[] };
      };
      const health = (await (await fetch(`${api.url}/health`)).json()) as { healthy: boolean; lastAttempt: { verification: unknown } };

      expect(answer.verification).toMatchObject({ ok: true, problems: [] });
      expect(health).toMatchObject({ healthy: true, lastAttempt: { verification: { ok: true, problems: [] } } });
      const contents = JSON.parse(await readFile(join(dir, '.db-backup-contents.json'), 'utf8'));
      expect(contents[answer.backup.file].verified).toMatchObject({ ok: true });
    } finally {
      await api.stop();
    }
  });

  it('BACKUP_VERIFY=after-create with a role that may not create a scratch database: the backup is kept, the failure said', async () => {
    const role = `notes_t_nocreatedb_${Math.random().toString(16).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`create role ${role} login nocreatedb`);
    await admin.query(`grant select on all tables in schema public to ${role}; grant select on all sequences in schema public to ${role}`);
    await admin.query(`grant insert on pgmigrations to ${role}`);
    await admin.query(
      `grant select on large object ${(await admin.query('select oid from pg_largeobject_metadata')).rows[0].oid} to ${role}`,
    );
    const asRole = new URL(database.url);
    asRole.username = role;
    const api = await startApiProcess({ DATABASE_URL: asRole.toString(), BACKUP_DIR: dir, BACKUP_VERIFY: 'after-create' });
    try {
      const response = await fetch(`${api.url}/db-backup`, { method: 'POST' });
      const answer = (await response.json()) as { backup: { file: string }; verification: { ok: boolean; problems: string[] } };
      const health = await fetch(`${api.url}/health`);

      expect(response.status).toBe(201);
      // Not the backup's fault: "could not be verified", a warning, never a failed backup.
      expect(answer.verification).toMatchObject({
        ok: false,
        unverified: true,
        problems: [expect.stringMatching(/^it could not be verified: no scratch database \(.*permission denied to create database/)],
      });
      expect(await readdir(dir)).toContain(answer.backup.file);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { warnings: string[] }).warnings).toEqual([
        expect.stringMatching(/^the last backup could not be verified: it could not be verified: no scratch database/),
      ]);
    } finally {
      await api.stop();
      await admin.query(`drop owned by ${role}; drop role ${role}`);
      await admin.end();
    }
  });

  it("records nothing for a copy stored outside the folder: a copy proves nothing of the folder's file", async () => {
    const elsewhere = await tempFolder();
    try {
      await copyFile(join(dir, plain), join(elsewhere, plain));
      const contentsPath = join(dir, '.db-backup-contents.json');
      const contents = JSON.parse(await readFile(contentsPath, 'utf8'));
      delete contents[plain].verified;
      await writeFile(contentsPath, JSON.stringify(contents));

      const result = await dbBackup(['verify', join(elsewhere, plain)], server());

      expect(result.code).toBe(0);
      expect(JSON.parse(await readFile(contentsPath, 'utf8'))[plain].verified).toBeUndefined();
    } finally {
      await removeFolder(elsewhere);
    }
  });

  it('drops its scratch database when interrupted mid-restore (Ctrl-C), and says so', async () => {
    const big = await createTestDatabase('notes_t_verify_big');
    const bigDir = await tempFolder();
    try {
      const client = new pg.Client({ connectionString: big.url });
      await client.connect();
      await client.query('create table rows_ (id int, body text)');
      await client.query(`insert into rows_ select i, repeat(md5(i::text), 8) from generate_series(1, 400000) i`);
      await client.end();
      expect((await dbBackup(['create'], { DATABASE_URL: big.url, BACKUP_DIR: bigDir })).code).toBe(0);
      const scratch = async () => {
        const admin = new pg.Client({ connectionString: big.url });
        await admin.connect();
        const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'notes_verify_%'");
        await admin.end();
        return rows.map((row) => row.datname);
      };
      const before = await scratch();
      const child = spawn(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), 'verify'], {
        env: { ...process.env, DATABASE_URL: big.url, BACKUP_DIR: bigDir },
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      let ours: string[] = [];
      for (let i = 0; i < 200 && ours.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        ours = (await scratch()).filter((name) => !before.includes(name));
      }
      expect(ours).toHaveLength(1);

      child.kill('SIGINT');

      expect(await exited).toBe(130);
      expect(stderr).toContain('db-backup: verify interrupted (SIGINT); dropping its scratch database');
      expect((await scratch()).filter((name) => !before.includes(name))).toEqual([]);
    } finally {
      await removeFolder(bigDir);
      await big.drop();
    }
  });

  it('leaves no scratch database behind on the server, and drops one a killed verify left an hour ago', async () => {
    const scratchDatabases = async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like 'notes_verify_%'");
      await client.end();
      return rows.map((row) => row.datname);
    };
    // Random, so that test runs sharing the server never meet.
    const leftover = `notes_verify_${Math.floor(Date.now() / 1000) - 7200}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`create database ${leftover}`);
    await admin.end();
    const before = (await scratchDatabases()).filter((name) => name !== leftover);

    await dbBackup(['verify', plain], server());

    // Other processes may verify on this server at the same time: only ours must be gone.
    expect((await scratchDatabases()).filter((name) => !before.includes(name))).toEqual([]);
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
      expect(result.stderr).toBe('db-backup: of 1 backup, 1 failed verification\n');
      const contents = JSON.parse(await readFile(join(dir, '.db-backup-contents.json'), 'utf8'));
      expect(contents[name].verified).toMatchObject({ ok: false, problems: [expect.stringMatching(message)] });
      if (String(message).includes('sha256')) {
        // restore refuses it too, creating nothing.
        const into = new URL(database.url);
        into.pathname = `/notes_t_never_${hours}`;
        const restore = await dbBackup(['restore', name, '--into', into.toString()], { BACKUP_DIR: dir });
        expect(restore.code).toBe(1);
        expect(restore.stderr).toMatch(/is not the file that was written \(sha256 recorded [0-9a-f]{64}, now [0-9a-f]{64}\): not restored/);
      }
    });
  });
});

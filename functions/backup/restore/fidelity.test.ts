import { BackupFolder } from '../folder/BackupFolder.js';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, databaseUrl, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { databaseConnection } from '../../db/databaseConnection.js';
import { BackupCreator } from '../dump/BackupCreator.js';
import { PgDumpSource } from '../dump/PgDumpSource.js';
import { PgliteScratch } from '../verify/PgliteScratch.js';
import { ServerScratch } from '../verify/ServerScratch.js';
import { verifyBackup } from '../verify/verifyBackup.js';
import { spawn, spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { ROOT } from '../../../test/support/apiProcess.js';
import { restoreBackup } from './restoreBackup.js';
import { runPsql } from './runPsql.js';

/** Every byte 0x80–0xFF (and CR, CRLF) in a text column, a default, a function body and a comment. */
const HIGH_BYTES = `
  create table public.t (id int primary key, v text default convert_from('\\xe9'::bytea, 'LATIN1') || E'\\r');
  insert into public.t values (1, convert_from(decode((select string_agg(lpad(to_hex(b), 2, '0'), '') from generate_series(128, 255) b), 'hex'), 'LATIN1'));
  insert into public.t values (2, E'cr\\r crlf\\r\\n lf\\n');
  create function public.f() returns text language sql as $$ select E'body\\r' $$;
  comment on table public.t is E'comment\\r';
`;
/** For SQL_ASCII, where the server converts nothing: the raw bytes 0x80–0xFF themselves. */
const RAW_HIGH_BYTES = `
  create table public.t (id int primary key, v text default E'\\351\\r');
  insert into public.t values (1, E'${Array.from({ length: 128 }, (_, i) => `\\${(128 + i).toString(8)}`).join('')}');
  insert into public.t values (2, E'cr\\r crlf\\r\\n lf\\n');
  create function public.f() returns text language sql as $$ select E'body\\r' $$;
  comment on table public.t is E'comment\\r';
`;

/** Each row's bytes as stored (in the database's own encoding), and the database's encoding. */
async function bytesOf(url: string): Promise<{ encoding: string; rows: string[]; extras: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const encoding = (await client.query('select pg_encoding_to_char(encoding) as e from pg_database where datname = current_database()'))
      .rows[0].e;
    // md5 of the text's bytes in the server encoding: no conversion to the client's (which SQL_ASCII would refuse).
    await client.query(`set client_encoding = 'SQL_ASCII'`);
    const rows = (await client.query('select id, md5(textsend(v)) as m from public.t order by id')).rows.map((r) => `${r.id}:${r.m}`);
    const extras = (
      await client.query(
        `select md5(textsend(pg_get_functiondef('public.f'::regproc))) as f, md5(textsend(obj_description('public.t'::regclass))) as c,
                md5(textsend(pg_get_expr(adbin, adrelid))) as d from pg_attrdef where adrelid = 'public.t'::regclass`,
      )
    ).rows.map((r) => `${r.f}/${r.c}/${r.d}`);
    return { encoding, rows, extras };
  } finally {
    await client.end();
  }
}

describeWithPostgres('restore and verify: the dump is bytes (any encoding, CR anywhere), all or nothing', () => {
  let dir: string;
  const databases: { drop: () => Promise<void> }[] = [];
  beforeAll(async () => {
    dir = await tempFolder('notes-fidelity-');
  });
  afterAll(async () => {
    for (const database of databases) await database.drop();
    await removeFolder(dir);
  });

  async function sourceDatabase(encoding: string, sql: string) {
    const name = `notes_t_enc_${randomBytes(3).toString('hex')}`;
    await runSql(`create database ${name} template template0 encoding '${encoding}' locale 'C'`);
    const database = { name, url: databaseUrl(name), drop: () => runSql(`drop database if exists ${name} with (force)`) };
    databases.push(database);
    await runSql(sql, database.url);
    return database;
  }

  it.each([
    ['UTF8', HIGH_BYTES],
    ['LATIN1', HIGH_BYTES],
    ['SQL_ASCII', RAW_HIGH_BYTES],
  ])('a %s database: restored into a new database of its encoding byte for byte, and verify proves it', async (encoding, sql) => {
    const source = await sourceDatabase(encoding, sql);
    const connection = databaseConnection({ DATABASE_URL: source.url });
    const backup = await backupOf(source.url);
    const into = `${source.name}_restored`;
    databases.push({ drop: () => runSql(`drop database if exists ${into} with (force)`) });

    await restoreBackup({ file: backup.path, into: databaseUrl(into) });

    const original = await bytesOf(source.url);
    expect(original.rows).toHaveLength(2);
    expect(await bytesOf(databaseUrl(into))).toEqual(original);
    const verified = await verifyBackup(backup.path, new BackupFolder(dir).manifest, new ServerScratch(connection));
    expect(verified).toMatchObject({ ok: true, proved: 'everything' });
  });

  /** A backup of the database at `url`, written by the product's own BackupCreator into the test's folder. */
  const backupOf = (url: string) =>
    new BackupCreator({
      folder: new BackupFolder(dir),
      source: new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: url }) }),
    }).create();

  it('a table whose quoted name holds a newline: backed up, restored, and verified on both scratch databases', async () => {
    const source = await sourceDatabase(
      'UTF8',
      'create table public."multi\nline" (id int, body text); insert into public."multi\nline" values (1, $$a$$), (2, $$b$$);',
    );
    const connection = databaseConnection({ DATABASE_URL: source.url });
    const backup = await backupOf(source.url);
    const into = `${source.name}_nl`;
    databases.push({ drop: () => runSql(`drop database if exists ${into} with (force)`) });

    const summary = await restoreBackup({ file: backup.path, into: databaseUrl(into) });

    expect(summary.rowsByTable).toEqual({ 'public."multi\nline"': 2 });
    const manifest = new BackupFolder(dir).manifest;
    expect(await verifyBackup(backup.path, manifest, new ServerScratch(connection))).toMatchObject({ ok: true, proved: 'everything' });
    // The embedded scratch database's pg_dump writes INSERTs: the rows are compared.
    expect(await verifyBackup(backup.path, manifest, new PgliteScratch())).toMatchObject({ ok: true, proved: 'rows' });
  });

  it('--clean with a backup that fails leaves the live target exactly as it was; a good one replaces it', async () => {
    const live = await createTestDatabase('notes_t_live');
    databases.push(live);
    await runSql('create table public.t (id int primary key, v text); insert into public.t values (1, $$live$$), (2, $$data$$)', live.url);
    const other = await sourceDatabase('UTF8', HIGH_BYTES);
    const good = await backupOf(other.url);
    const bad = join(dir, 'bad.sql');
    // Complete, but failing half-way: a type no server has.
    await writeFile(bad, (await readFile(good.path, 'utf8')).replace('    v text DEFAULT', '    w no_such_type,\n    v text DEFAULT'));
    const before = await rowsIn(live.url);

    await expect(restoreBackup({ file: bad, into: live.url, clean: true })).rejects.toThrow(
      /^the restore stopped at the statement ending on line \d+: type "no_such_type" does not exist; nothing was restored/,
    );
    expect(await rowsIn(live.url)).toEqual(before);
    expect(await leftovers(live.name)).toEqual([]);

    const summary = await restoreBackup({ file: good.path, into: live.url, clean: true });
    expect(summary).toMatchObject({ replaced: true, rows: 2 });
    expect(await bytesOf(live.url)).toEqual(await bytesOf(other.url));
    expect(await leftovers(live.name)).toEqual([]);
  });

  it('a backup that cannot be read to its end while psql runs commits nothing: psql is stopped, not given an end of input', async () => {
    const target = await createTestDatabase('notes_t_feed');
    databases.push(target);
    async function* failing() {
      yield Buffer.from('create table public.half (id int);\ninsert into public.half values (1);\n');
      throw new Error('unexpected end of file');
    }

    await expect(runPsql(Readable.from(failing()), Buffer.from(''), databaseConnection({ DATABASE_URL: target.url }), {})).rejects.toThrow(
      /^the backup could not be read: unexpected end of file; nothing was restored/,
    );
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    const { rows } = await client.query(`select to_regclass('public.half') as half`);
    await client.end();
    expect(rows[0].half).toBeNull();
  });

  it('refuses a file whose SQL holds a psql meta-command (\\!), running nothing and leaving nothing', async () => {
    const source = await sourceDatabase('UTF8', HIGH_BYTES);
    const backup = await backupOf(source.url);
    const witness = join(dir, 'pwned');
    // Crafted as an attacker would: without pg_dump's own \restrict pair, a shell command before the first table.
    const lines = (await readFile(backup.path, 'utf8')).split('\n').filter((line) => !/^\\(un)?restrict /.test(line));
    lines.splice(
      lines.findIndex((line) => line.startsWith('CREATE TABLE')),
      0,
      `\\! touch ${witness}`,
    );
    const crafted = join(dir, 'crafted.sql');
    await writeFile(crafted, lines.join('\n'));
    const into = `${source.name}_crafted`;

    await expect(restoreBackup({ file: crafted, into: databaseUrl(into) })).rejects.toThrow(
      /^line \d+ of the backup is a psql meta-command, which pg_dump does not write: refused; nothing was restored/,
    );
    await expect(readFile(witness)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await leftovers(into)).toEqual([]);
  });

  it('a restore killed with SIGKILL in the middle of a COPY commits nothing', async () => {
    const source = await sourceDatabase(
      'UTF8',
      `create table public.big (id int, v text);
      insert into public.big select g, repeat('x', 200) from generate_series(1, 400000) g;`,
    );
    const backup = await backupOf(source.url);
    const into = `${source.name}_killed`;
    databases.push({ drop: () => runSql(`drop database if exists ${into} with (force)`) });
    const restore = spawn(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), 'restore', backup.path, '--into', databaseUrl(into)], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => restore.on('exit', resolve));
    // Killed once psql is loading the big table (its COPY under way), not after a fixed time.
    await until(async () => (await sessionsOf(into, "query like 'COPY public.big%'")) > 0);
    restore.kill('SIGKILL');
    await exited;
    await until(async () => (await sessionsOf(into)) === 0);

    const client = new pg.Client({ connectionString: databaseUrl(into) });
    await client.connect();
    const { rows } = await client.query(`select to_regclass('public.big') as big`);
    await client.end();
    expect(rows[0].big).toBeNull();
  });

  it('db-backup restore holds a copied-off file to the SHA256SUMS beside it: a changed byte is refused, creating nothing', async () => {
    const source = await sourceDatabase('UTF8', HIGH_BYTES);
    const backup = await backupOf(source.url);
    const copied = await tempFolder('notes-copied-off-');
    const emptyBackupDir = await tempFolder('notes-no-backups-');
    try {
      const copy = join(copied, backup.file);
      const bytes = await readFile(backup.path);
      await writeFile(join(copied, 'SHA256SUMS'), `${backup.sha256}  ${backup.file}\n`);
      bytes[bytes.indexOf('cr')] = 'C'.charCodeAt(0);
      await writeFile(copy, bytes);
      const into = `${source.name}_changed`;

      const result = spawnSync(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), 'restore', copy, '--into', databaseUrl(into)], {
        encoding: 'utf8',
        env: { ...process.env, BACKUP_DIR: emptyBackupDir },
      });

      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/is not the file that was written \(sha256 recorded [0-9a-f]{64}, now [0-9a-f]{64}\): not restored/);
      expect(await sessionsOf(into)).toBe(0);
      const client = new pg.Client({ connectionString: databaseUrl('postgres') });
      await client.connect();
      const { rows } = await client.query('select count(*)::int as n from pg_database where datname = $1', [into]);
      await client.end();
      expect(rows[0].n).toBe(0);
    } finally {
      await removeFolder(copied);
      await removeFolder(emptyBackupDir);
    }
  });

  it('refuses a copied-off file cut short (no manifest beside it), creating nothing', async () => {
    const source = await sourceDatabase('UTF8', HIGH_BYTES);
    const backup = await backupOf(source.url);
    const copied = await tempFolder('notes-copied-off-');
    try {
      const text = await readFile(backup.path, 'utf8');
      // Cut at a statement boundary, where psql alone would happily restore a third of it.
      const cut = join(copied, 'cut.sql');
      await writeFile(cut, text.slice(0, text.indexOf('-- Data for Name: t;')));
      const into = `${source.name}_cut`;

      await expect(restoreBackup({ file: cut, into: databaseUrl(into) })).rejects.toMatchObject({
        code: 'INCOMPLETE_BACKUP',
        message: expect.stringMatching(/cut\.sql is not a complete backup \(it does not end with pg_dump's completion marker/),
      });
      expect(await leftovers(into)).toEqual([]);
    } finally {
      await removeFolder(copied);
    }
  });
});

/** Sessions on `database` (matching `where`, SQL on pg_stat_activity). */
async function sessionsOf(database: string, where = 'true'): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where datname = $1 and ${where}`, [database]);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/** Waits for `condition` (every 20 ms, 30 s at most). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not come true within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function rowsIn(url: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('select * from public.t order by id')).rows;
  } finally {
    await client.end();
  }
}

/** Databases whose name starts with `name` other than `name` itself (a staging or replaced copy left behind), or `name` when it does not exist as expected. */
async function leftovers(name: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 || '\\_\\_%' or (datname = $1 and not datallowconn)`,
      [name],
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

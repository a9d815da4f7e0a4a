import { BackupFolder } from '../folder/BackupFolder.js';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../../../test/support/apiProcess.js';
import { startNotes } from '../../../test/support/cliProcess.js';
import { rowsOf, schemaOf } from '../../../test/support/compareDatabases.js';
import { ADMIN_URL, createTestDatabase, databaseUrl, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { seedNotes } from '../../../test/support/seedNotes.js';
import { startThrowAwayServer } from '../../../test/support/throwAwayServer.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { databaseConnection } from '../../db/databaseConnection.js';
import { EmbeddedDatabase } from '../../db/embedded/EmbeddedDatabase.js';
import { PgliteDumpSource } from '../../db/embedded/PgliteDumpSource.js';
import { migrate } from '../../db/migrate.js';
import { BackupCreator } from '../dump/BackupCreator.js';
import { PgDumpSource } from '../dump/PgDumpSource.js';
import { restoreBackup } from './restoreBackup.js';

const suffix = randomBytes(3).toString('hex');
const OWNER = `notes_t_owner_${suffix}`;
const READER = `notes_t_reader_${suffix}`;

/** A schema as production databases have them: its own owner and reader roles, grants, RLS, partitions, a materialized view, a domain, large objects, sequences past their rows. */
const PRODUCTION_LIKE = `
  create schema shop authorization ${OWNER};
  create domain shop.positive as integer check (value > 0);
  create table shop.items (id bigint generated always as identity primary key, name text not null, qty shop.positive, note text);
  create table shop.events (id bigserial, at timestamptz not null, payload jsonb) partition by range (at);
  create table shop.events_2026 partition of shop.events for values from ('2026-01-01') to ('2027-01-01');
  create table shop.events_2027 partition of shop.events for values from ('2027-01-01') to ('2028-01-01');
  insert into shop.items (name, qty, note) select 'item ' || i, i, 'Grüße, ☕ ' || i from generate_series(1, 500) i;
  insert into shop.events (at, payload) select '2026-06-01'::timestamptz + i * interval '1 day', jsonb_build_object('i', i) from generate_series(1, 400) i;
  select setval('shop.events_id_seq', 5000);
  create materialized view shop.item_totals as select name, sum(qty) as qty from shop.items group by name;
  alter table shop.items owner to ${OWNER};
  alter table shop.events owner to ${OWNER};
  alter materialized view shop.item_totals owner to ${OWNER};
  alter table shop.items enable row level security;
  create policy readers_see_all on shop.items for select to ${READER} using (true);
  grant usage on schema shop to ${READER};
  grant select on all tables in schema shop to ${READER};
  select lo_from_bytea(0, convert_to('a large object', 'UTF8'));
`;

/** A backup of `url` written by the product's own creator and the real pg_dump. */
async function backUp(url: string, dir: string): Promise<string> {
  const creator = new BackupCreator({
    folder: new BackupFolder(dir),
    source: new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: url }) }),
  });
  return (await creator.create()).path;
}

describeWithPostgres('restore: round trips onto the same server and onto a brand-new one (real pg_dump, psql, initdb)', () => {
  let dir: string;
  let fresh: Awaited<ReturnType<typeof startThrowAwayServer>>;
  const sources: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  const backups: Record<string, string> = {};

  beforeAll(async () => {
    dir = await tempFolder('notes-restore-');
    fresh = await startThrowAwayServer();
    await runSql(`create role ${OWNER} nologin; create role ${READER} nologin`, ADMIN_URL);

    const notes = await createTestDatabase('notes_t_src');
    sources.push(notes);
    await migrate(databaseConnection({ DATABASE_URL: notes.url }));
    await seedNotes(notes.url);
    backups.notes = await backUp(notes.url, dir);

    const shop = await createTestDatabase('notes_t_shop');
    sources.push(shop);
    await runSql(PRODUCTION_LIKE, shop.url);
    backups.shop = await backUp(shop.url, dir);

    // Chinook, a sample database this project did not write (MIT; test/fixtures/chinook-LICENSE.md).
    const chinook = await createTestDatabase('notes_t_chinook');
    sources.push(chinook);
    const script = (await readFile(join(ROOT, 'test/fixtures/chinook.sql'), 'utf8'))
      .split('\n')
      .filter((line) => !/^(DROP DATABASE|CREATE DATABASE|\\c )/.test(line))
      .join('\n');
    await runSql(script, chinook.url);
    backups.chinook = await backUp(chinook.url, dir);
  }, 180_000);
  afterAll(async () => {
    for (const source of sources) await source.drop();
    await runSql(`drop role if exists ${OWNER}; drop role if exists ${READER}`, ADMIN_URL).catch(() => undefined);
    await fresh?.stop();
    await removeFolder(dir);
  });

  it.each([
    ['the notes schema', 'notes', 0],
    [
      'a production-like schema (owner and reader roles, grants, RLS, partitions, a materialized view, a domain, a large object)',
      'shop',
      1,
    ],
    ['the Chinook sample database', 'chinook', 2],
  ])('%s, onto a new database of the same server: same schema, same rows', async (_what, name, index) => {
    const into = databaseUrl(`notes_t_restored_${suffix}_${name}`);
    try {
      const summary = await restoreBackup({ file: backups[name]!, into });

      expect(summary.createdRoles).toEqual([]);
      expect(schemaOf(into)).toBe(schemaOf(sources[index]!.url));
      expect(await rowsOf(into)).toEqual(await rowsOf(sources[index]!.url));
    } finally {
      await runSql(`drop database if exists notes_t_restored_${suffix}_${name} with (force)`, ADMIN_URL);
    }
  });

  it.each([
    ['the notes schema', 'notes', 0],
    ['the production-like schema, whose roles the new server lacks', 'shop', 1],
    ['the Chinook sample database', 'chinook', 2],
  ])('%s, onto a brand-new server (disaster recovery): same schema, same rows', async (_what, name, index) => {
    const into = fresh.url(`restored_${name}`);

    const summary = await restoreBackup({ file: backups[name]!, into });

    expect(summary.createdRoles).toEqual(name === 'shop' ? [OWNER, READER].sort() : []);
    expect(schemaOf(into)).toBe(schemaOf(sources[index]!.url));
    expect(await rowsOf(into)).toEqual(await rowsOf(sources[index]!.url));
    if (name === 'shop') {
      expect(summary.largeObjects).toBe(1);
      // The sequence was restored where it stood, past its rows.
      const client = new pg.Client({ connectionString: into });
      await client.connect();
      const { rows } = await client.query<{ last_value: string }>('select last_value from shop.events_id_seq');
      await client.end();
      expect(rows[0]!.last_value).toBe('5000');
    }
  });

  it('restores an embedded (pg_dump 18) backup onto PostgreSQL 15, leaving out the settings 15 does not know, with no error', async () => {
    const folder = await tempFolder('notes-restore-embedded-');
    try {
      const embedded = await EmbeddedDatabase.start(join(folder, 'pglite'));
      let file: string;
      try {
        await migrate(databaseConnection({ DATABASE_URL: embedded.url }));
        await seedNotes(embedded.url);
        file = (await new BackupCreator({ folder: new BackupFolder(folder), source: new PgliteDumpSource(embedded.db) }).create()).path;
      } finally {
        await embedded.close();
      }
      const into = fresh.url('restored_from_embedded');

      const summary = await restoreBackup({ file, into });

      expect(summary.skippedSettings).toEqual(['transaction_timeout']);
      expect((await rowsOf(into))['public.notes']!.length).toBeGreaterThan(0);
    } finally {
      await removeFolder(folder);
    }
  });

  it("refuses a target that is not empty, and the service's own database without --clean; --clean empties it first", async () => {
    const into = fresh.url('restored_notes');

    await expect(restoreBackup({ file: backups.notes!, into })).rejects.toMatchObject({ code: 'TARGET_NOT_EMPTY' });
    await expect(
      restoreBackup({ file: backups.notes!, into, protectedConnection: databaseConnection({ DATABASE_URL: into }) }),
    ).rejects.toMatchObject({
      code: 'PROTECTED_DATABASE',
    });
    const summary = await restoreBackup({ file: backups.notes!, into, clean: true });
    expect(summary.rows).toBeGreaterThan(0);
  });

  it('stops at the first error with its line, and leaves nothing behind (one transaction; the database it created dropped)', async () => {
    const broken = join(dir, 'broken.sql');
    const lines = (await readFile(backups.notes!, 'utf8')).split('\n');
    const at = lines.findIndex((line) => line.startsWith('CREATE TABLE'));
    lines.splice(at, 0, 'THIS IS NOT SQL;');
    await writeFile(broken, lines.join('\n'));
    const into = fresh.url('restored_broken');

    const error = (await restoreBackup({ file: broken, into }).catch((caught: unknown) => caught)) as Error;

    expect(error.message).toMatch(
      new RegExp(`^the restore stopped at the statement ending on line ${at + 1}: syntax error at or near "THIS"`),
    );
    // The database the restore created is gone again: nothing half-made is left behind.
    const client = new pg.Client({ connectionString: fresh.url('postgres') });
    await client.connect();
    const { rows } = await client.query("select count(*)::int as n from pg_database where datname = 'restored_broken'");
    await client.end();
    expect(rows[0]!.n).toBe(0);
  });

  it('npm run -s db-backup -- restore prints one summary line and exits 0; a usage error exits 2', async () => {
    const into = fresh.url('restored_by_cli');
    const ok = await startNotes(['restore', backups.notes!, '--into', into], {}, { entry: 'dist/cli/db-backup.js' }).exited;
    const usage = await startNotes(['restore', backups.notes!], {}, { entry: 'dist/cli/db-backup.js' }).exited;

    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^restored .*notes_t_src_\w+_[\dT:.Z-]+\.sql into restored_by_cli: \d+ tables, [\d,]+ rows, 0 large objects in [\d.]+ s\n$/,
    );
    expect(usage).toMatchObject({
      code: 2,
      stderr: 'db-backup: restore needs --into <postgres-url>, e.g. --into postgresql://postgres@127.0.0.1:5432/notes_restored\n',
    });
  });

  it.each([
    ['no database name', (url: (name: string) => string) => url('').replace(/\/$/, ''), /^name the database to restore into/],
    [
      'the maintenance database',
      (url: (name: string) => string) => url('postgres'),
      /^never restores into postgres: it is the server's maintenance or template database/,
    ],
    ['a template database', (url: (name: string) => string) => url('template1'), /^never restores into template1/],
    [
      'a name with a percent-encoded reserved character (pg and psql would read two names)',
      (url: (name: string) => string) => url('restored%3Bx'),
      /^--into: the database name holds a percent-encoded reserved character/,
    ],
  ])('refuses %s, changing nothing', async (_what, target, message) => {
    const before = await databasesOn(fresh.url('postgres'));

    await expect(restoreBackup({ file: backups.notes!, into: target(fresh.url) })).rejects.toThrow(message);

    expect(await databasesOn(fresh.url('postgres'))).toEqual(before);
  });

  it('refuses a file that is not a pg_dump backup, creating nothing', async () => {
    const notADump = join(dir, 'passwd.sql');
    await writeFile(notADump, 'root:x:0:0:root:/root:/bin/bash\n');
    const before = await databasesOn(fresh.url('postgres'));

    await expect(restoreBackup({ file: notADump, into: fresh.url('restored_passwd') })).rejects.toThrow(
      /passwd\.sql is not a plain pg_dump backup \(no "-- PostgreSQL database dump" header\)/,
    );
    expect(await databasesOn(fresh.url('postgres'))).toEqual(before);
  });
});

async function databasesOn(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>('select datname from pg_database order by 1')).rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

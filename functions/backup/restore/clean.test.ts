import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { ADMIN_URL, createTestDatabase, databaseUrl, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { databaseConnection } from '../../db/databaseConnection.js';
import { silentLogger } from '../../log/Logger.js';
import { BackupCreator } from '../dump/BackupCreator.js';
import { PgDumpSource } from '../dump/PgDumpSource.js';
import { BackupFolder } from '../folder/BackupFolder.js';
import { restoreBackup } from './restoreBackup.js';
import { isSideDatabaseOf, sideDatabaseName } from './sideDatabaseName.js';
import { swapDatabase } from './swapDatabase.js';

const suffix = randomBytes(3).toString('hex');
const OWNER = `h_clean_owner_${suffix}`;
const READER = `h_clean_reader_${suffix}`;
const SWAPPER = `h_clean_swapper_${suffix}`;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = [], url = ADMIN_URL): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe('side database names (no server)', () => {
  it('stay within 63 bytes, keep their random suffix and are told apart from other targets, for any name', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 63 }),
        fc.string({ minLength: 1, maxLength: 63 }),
        (target, other) => {
          const staging = sideDatabaseName(target, 'restoring', 'abcdef01');
          const replaced = sideDatabaseName(target, 'replaced', 'abcdef01');
          expect(Buffer.byteLength(staging)).toBeLessThanOrEqual(63);
          expect(staging.endsWith('__restoring_abcdef01')).toBe(true);
          expect(replaced.endsWith('__replaced_abcdef01')).toBe(true);
          expect(isSideDatabaseOf(staging, target) && isSideDatabaseOf(replaced, target)).toBe(true);
          if (other !== target) expect(isSideDatabaseOf(staging, other)).toBe(false);
        },
      ),
    );
  });
});

describeWithPostgres('restore --clean keeps the target what it was, but for its contents (real PostgreSQL, pg_dump, psql)', () => {
  let dir: string;
  let backup: string;
  const databases: string[] = [];

  /** A non-empty database named `name`, owned by OWNER. */
  async function target(name = `h_clean_t_${randomBytes(3).toString('hex')}`): Promise<string> {
    databases.push(name);
    await runSql(`create database ${quote(name)} owner ${OWNER}`);
    await runSql(`create table old_contents (id int)`, databaseUrl(name));
    return name;
  }

  beforeAll(async () => {
    dir = await tempFolder('h-clean-');
    await runSql(`create role ${OWNER} nologin; create role ${READER} nologin; create role ${SWAPPER} login createdb`);
    const source = await createTestDatabase('h_clean_src');
    databases.push(source.name);
    await runSql('create table notes (id int primary key, body text); insert into notes values (1, $$kept$$)', source.url);
    const creator = new BackupCreator({
      folder: new BackupFolder(dir),
      source: new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: source.url }) }),
    });
    backup = (await creator.create()).path;
  });

  afterAll(async () => {
    const left = await query<{ datname: string }>(`select datname from pg_database where datname like 'h\\_clean\\_%'`);
    for (const { datname } of left) {
      if (databases.some((name) => datname === name || isSideDatabaseOf(datname, name))) {
        await runSql(`drop database if exists ${quote(datname)} with (force)`);
      }
    }
    await runSql(`drop role if exists ${OWNER}; drop role if exists ${READER}; drop role if exists ${SWAPPER}`);
    await removeFolder(dir);
  });

  it("keeps the database's owner, settings, per-role settings, ACL, comment and connection limit; the owner can create tables in public", async () => {
    const name = await target();
    await runSql(`
      alter database ${name} set work_mem = '8MB';
      alter database ${name} set search_path = "$user", public, "we ird";
      alter role ${READER} in database ${name} set statement_timeout = '5s';
      revoke connect on database ${name} from public;
      grant connect on database ${name} to ${READER} with grant option;
      comment on database ${name} is 'the shop''s data';
      alter database ${name} connection limit 7;
    `);
    const properties = () =>
      query(
        `select pg_get_userbyid(d.datdba) as owner, d.datacl::text as acl, d.datconnlimit as connlimit,
                shobj_description(d.oid, 'pg_database') as comment,
                (select json_agg(json_build_object('role', coalesce(r.rolname, ''), 'config', s.setconfig) order by r.rolname nulls first)
                   from pg_db_role_setting s left join pg_roles r on r.oid = s.setrole where s.setdatabase = d.oid) as settings
           from pg_database d where d.datname = $1`,
        [name],
      );
    const before = await properties();

    await restoreBackup({ file: backup, into: databaseUrl(name), clean: true });

    expect(await properties()).toEqual(before);
    expect(before[0]).toMatchObject({ owner: OWNER, connlimit: 7, comment: "the shop's data" });
    expect(await query('select body from notes', [], databaseUrl(name))).toEqual([{ body: 'kept' }]);
    await runSql(`set role ${OWNER}; create table public.owners_table (id int)`, databaseUrl(name));
  });

  it('ends a session holding a transaction open on the target and swaps; nothing ever refuses connections', async () => {
    const name = await target();
    const restored = `h_clean_r_${randomBytes(3).toString('hex')}`;
    databases.push(restored);
    await runSql(`create database ${restored} owner ${OWNER}`);
    const oid = (await query<{ oid: number }>('select oid from pg_database where datname = $1', [restored]))[0]!.oid;
    const holder = new pg.Client({ connectionString: databaseUrl(name) });
    await holder.connect();
    holder.on('error', () => undefined);
    await holder.query('begin; select count(*) from old_contents');
    const watcher = new pg.Client({ connectionString: ADMIN_URL });
    await watcher.connect();
    let refused = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { rows } = await watcher.query(
          `select count(*)::int as n from pg_database where datname like 'h\\_clean\\_%' and not datallowconn`,
        );
        refused += rows[0].n;
      }
    })();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();

    const result = await swapDatabase(admin, restored, name, { logger: silentLogger });

    watching = false;
    await watch;
    await Promise.all([admin.end(), watcher.end()]);
    expect(result).toEqual({});
    expect(await query('select oid from pg_database where datname = $1', [name])).toEqual([{ oid }]);
    expect(refused).toBe(0);
    await expect(holder.query('select 1')).rejects.toThrow();
    await holder.end().catch(() => undefined);
  });

  it('a swap that cannot end a session fails by its deadline and leaves the target as it was, connectable', async () => {
    const name = `h_clean_t_${randomBytes(3).toString('hex')}`;
    const restored = `h_clean_r_${randomBytes(3).toString('hex')}`;
    databases.push(name, restored);
    await runSql(`create database ${name} owner ${SWAPPER}`);
    await runSql(`create database ${restored} owner ${SWAPPER}`);
    const [before] = await query('select oid, datallowconn from pg_database where datname = $1', [name]);
    // A superuser's session: the swapping role may not end it.
    const superuser = new pg.Client({ connectionString: databaseUrl(name) });
    await superuser.connect();
    const asSwapper = new URL(ADMIN_URL);
    asSwapper.username = SWAPPER;
    const admin = new pg.Client({ connectionString: asSwapper.toString() });
    await admin.connect();

    const swapped = swapDatabase(admin, restored, name, { logger: silentLogger, deadlineMs: 300 });

    await expect(swapped).rejects.toMatchObject({ code: 'TARGET_BUSY' });
    await admin.end();
    await superuser.end();
    expect(await query('select oid, datallowconn from pg_database where datname = $1', [name])).toEqual([before]);
    expect(await query('select 1 as ok', [], databaseUrl(name))).toEqual([{ ok: 1 }]);
  });

  it('drops the side databases a killed --clean left (those with no session), however long and multibyte the name', async () => {
    const name = await target(`h_clean_${'ä'.repeat(24)}_${randomBytes(2).toString('hex')}`);
    const leftovers = [sideDatabaseName(name, 'restoring'), sideDatabaseName(name, 'replaced')];
    const inUse = sideDatabaseName(name, 'restoring');
    for (const leftover of [...leftovers, inUse]) await runSql(`create database ${quote(leftover)}`);
    const session = new pg.Client({ connectionString: databaseUrl(inUse) });
    await session.connect();

    await restoreBackup({ file: backup, into: databaseUrl(name), clean: true });

    const left = (await query<{ datname: string }>('select datname from pg_database')).map((row) => row.datname);
    await session.end();
    expect(left.filter((datname) => isSideDatabaseOf(datname, name))).toEqual([inUse]);
    expect(left).toContain(name);
  });

  it.each([
    ['a schema', 'create schema s'],
    ['a function', `create function f() returns int language sql as 'select 1'`],
    ['a type', `create type mood as enum ('happy')`],
    ['default privileges', 'alter default privileges grant all on tables to public'],
    ['a public schema someone opened', 'grant create on schema public to public'],
  ])('refuses, without --clean, a target holding only %s', async (_what, sql) => {
    const name = `h_clean_e_${randomBytes(3).toString('hex')}`;
    databases.push(name);
    await runSql(`create database ${name}`);
    await runSql(sql, databaseUrl(name));

    await expect(restoreBackup({ file: backup, into: databaseUrl(name) })).rejects.toMatchObject({ code: 'TARGET_NOT_EMPTY' });
  });

  it('restores, without --clean, into a target as a new database has it', async () => {
    const name = `h_clean_e_${randomBytes(3).toString('hex')}`;
    databases.push(name);
    await runSql(`create database ${name}`);

    await expect(restoreBackup({ file: backup, into: databaseUrl(name) })).resolves.toMatchObject({ rows: 1 });
  });

  it('keeps, names and reports the replaced database when it cannot be dropped (a subscription); the swap stands', async () => {
    const name = await target();
    const restored = `h_clean_r_${randomBytes(3).toString('hex')}`;
    databases.push(restored);
    await runSql(`create database ${restored}`);
    await runSql(
      `create subscription h_clean_sub connection 'dbname=h_clean_nowhere' publication p with (connect = false, slot_name = none)`,
      databaseUrl(name),
    );
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    const warnings: unknown[] = [];

    const result = await swapDatabase(admin, restored, name, { logger: { ...silentLogger, warn: (...event) => warnings.push(event) } });

    await admin.end();
    expect(result.keptAs).toMatch(/__replaced_[0-9a-f]{8}$/);
    expect(result.keptBecause).toMatch(/subscription/);
    expect(warnings).toEqual([['restore.replaced_kept', { database: name, keptAs: result.keptAs, reason: result.keptBecause }]]);
    databases.push(result.keptAs!);
    await runSql('drop subscription h_clean_sub', databaseUrl(result.keptAs!));
  });
});

import type { AppError } from '../errors/AppError.js';
import { statusOf } from '../http/statusOf.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startApiProcess } from '../../test/support/apiProcess.js';
import { startNotes } from '../../test/support/cliProcess.js';
import { migrationNames } from '../../test/support/migrationNames.js';
import { createTestDatabase, describeWithPostgres, runSql } from '../../test/support/postgres.js';
import { queryRows } from '../../test/support/queryRows.js';
import { removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { waitUntil } from '../../test/support/waitUntil.js';
import { databaseConnection } from './databaseConnection.js';
import { migrate } from './migrate.js';

describeWithPostgres('migrations (real PostgreSQL)', () => {
  it('apply exactly once when three processes start at once on a new database', async () => {
    const database = await createTestDatabase();
    try {
      const connection = databaseConnection({ DATABASE_URL: database.url });

      const applied = await Promise.all([migrate(connection), migrate(connection), migrate(connection)]);

      expect(applied.flat()).toEqual(migrationNames());
    } finally {
      await database.drop();
    }
  });

  it('let two API instances started at once on a new database both come up', async () => {
    const database = await createTestDatabase();
    const dir = await tempFolder();
    try {
      const apis = await Promise.all([1, 2].map(() => startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir })));
      try {
        const answers = await Promise.all(apis.map(async (api) => (await fetch(`${api.url}/folders`)).status));
        expect(answers).toEqual([200, 200]);
      } finally {
        await Promise.all(apis.map((api) => api.stop()));
      }
    } finally {
      await removeFolder(dir);
      await database.drop();
    }
  });

  it('give up with a clear 503 when another session holds a lock on a table they need, ending their session', async () => {
    const database = await createTestDatabase();
    const holder = new pg.Client({ connectionString: database.url });
    try {
      const connection = databaseConnection({ DATABASE_URL: database.url });
      await migrate(connection);
      await holder.connect();
      await holder.query('begin; lock table pgmigrations in access exclusive mode');

      const busy = (await migrate(connection, undefined, { lockTimeoutMs: 300 }).then(
        () => undefined,
        (error: unknown) => error,
      )) as AppError;
      expect(busy).toMatchObject({
        code: 'MIGRATIONS_BUSY',
        message: 'a migration waited over 0 s for a table lock another session holds (see pg_locks)',
      });
      expect(statusOf(busy.code)).toBe(503);
      const { rows } = await holder.query<{ others: number }>(
        'select count(*)::int as others from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      expect(rows[0]!.others).toBe(0);
    } finally {
      await holder.end();
      await database.drop();
    }
  });

  it.each([
    [
      'still at work (a long migration)',
      'select pg_sleep(60)',
      /^another process \(pid \d+\) has held the migrations lock for over 0 s and is still at work \(for \d+ s: select pg_sleep\(60\)…\); a migration of a database with many notes can take minutes: start again when it is done$/,
    ],
    ['idle (stuck)', undefined, /^another process \(pid \d+, idle\) has held the migrations lock for over 0 s; is a migration stuck\?$/],
  ])('say whether the process holding the migrations lock is %s', async (_case, work, message) => {
    const database = await createTestDatabase();
    const holder = new pg.Client({ connectionString: database.url });
    // Its session is ended by the database's drop at the end.
    holder.on('error', () => undefined);
    try {
      await holder.connect();
      const { rows: me } = await holder.query<{ pid: number }>('select pg_backend_pid() as pid, pg_advisory_lock(7402318562)');
      // Not awaited: the holder is at work while migrate waits (the database's drop ends it).
      if (work !== undefined) void holder.query(work).catch(() => undefined);
      await waitUntil(async () => {
        const rows = await queryRows<{ state: string }>(database.url, 'select state from pg_stat_activity where pid = $1', [me[0]!.pid]);
        return rows[0]?.state === (work === undefined ? 'idle' : 'active');
      }, 'the lock holder in its state');

      const error = await migrate(databaseConnection({ DATABASE_URL: database.url }), undefined, { lockTimeoutMs: 300 }).catch(
        (e: unknown) => e,
      );

      expect(error).toMatchObject({ code: 'MIGRATIONS_BUSY', message: expect.stringMatching(message) });
    } finally {
      await database.drop();
      await holder.end().catch(() => undefined);
    }
  });

  it('tell a role that may not create tables on a new database what to do, in one line', async () => {
    const role = `notes_t_plain_${randomBytes(3).toString('hex')}`;
    const database = await createTestDatabase();
    try {
      await runSql(`create role ${role} login`);
      const asRole = new URL(database.url);
      asRole.username = role;

      await expect(migrate(databaseConnection({ DATABASE_URL: asRole.toString() }))).rejects.toMatchObject({
        code: 'MIGRATIONS_NOT_ACCESSIBLE',
        message: `the database role "${role}" may not create the tables of a new database (no CREATE on schema public): run npm run migrate once as the database's owner, or GRANT CREATE ON SCHEMA public TO "${role}"`,
      });
    } finally {
      await database.drop();
      await runSql(`drop role if exists ${role}`);
    }
  });

  it('tell a role that may use no schema (USAGE on public revoked) what to grant, not "schema null"', async () => {
    const role = `notes_t_noschema_${randomBytes(3).toString('hex')}`;
    const database = await createTestDatabase();
    try {
      await migrate(databaseConnection({ DATABASE_URL: database.url }));
      await runSql(`create role ${role} login`);
      await runSql('revoke all on schema public from public', database.url);
      const asRole = new URL(database.url);
      asRole.username = role;

      await expect(migrate(databaseConnection({ DATABASE_URL: asRole.toString() }))).rejects.toMatchObject({
        code: 'MIGRATIONS_NOT_ACCESSIBLE',
        message: `the database role "${role}" may use no schema of its search_path ("$user", public): GRANT USAGE ON SCHEMA public TO "${role}" (and CREATE, for a new database), or run npm run migrate as the database's owner`,
      });
    } finally {
      await database.drop();
      await runSql(`drop role if exists ${role}`);
    }
  });

  describe('as a role that may not use the migrations table another role created', () => {
    const role = `notes_t_reader_${randomBytes(3).toString('hex')}`;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let url: string;

    beforeAll(async () => {
      database = await createTestDatabase();
      await migrate(databaseConnection({ DATABASE_URL: database.url }));
      await runSql(`create role ${role} login`);
      const asRole = new URL(database.url);
      asRole.username = role;
      url = asRole.toString();
    });
    afterAll(async () => {
      await database.drop();
      await runSql(`drop role if exists ${role}`);
    });

    it('says whose table it is and what to grant', async () => {
      await expect(migrate(databaseConnection({ DATABASE_URL: url }))).rejects.toThrow(
        `the database role "${role}" may not use the migrations table pgmigrations (owned by "postgres"): run npm run migrate as "postgres", or GRANT SELECT, INSERT ON pgmigrations TO "${role}"`,
      );
    });

    it('npm run migrate says so in one line and exits 1', async () => {
      const { code, stdout, stderr } = await startNotes([], { DATABASE_URL: url }, { entry: 'dist/cli/migrate.js' }).exited;

      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toMatch(new RegExp(`^migrate: the database role "${role}" may not use the migrations table pgmigrations .*\\n$`));
    });
  });
});

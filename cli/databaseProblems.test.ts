import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { migrate } from '../functions/db/migrate.js';
import { silentLogger } from '../functions/log/Logger.js';
import { createNotesHandler } from '../functions/notes/handler.js';
import { NotesStore } from '../functions/notes/NotesStore.js';
import { startApiProcess } from '../test/support/apiProcess.js';
import { startNotes } from '../test/support/cliProcess.js';
import { callRoute, lambdaContext, restEvent } from '../test/support/events.js';
import { createTestDatabase, databaseUrl, describeWithPostgres, runSql } from '../test/support/postgres.js';
import { closedPort } from '../test/support/standInServers.js';
import { waitUntil } from '../test/support/waitUntil.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';

/*
 * Each way of not getting at the database has one message, said the same by the API (its answer),
 * by `npm run migrate` and by `npm start` (their one error line), and by the notes app (its error
 * line, the API's message).
 */

const suffix = randomBytes(4).toString('hex');
const MISSING = `notes_missing_${suffix}`;
const ROLE = `no_such_role_${suffix}`;
/** A role that exists, and a database it may not connect to (REVOKE CONNECT). */
const LOCKED_OUT = `notes_locked_out_${suffix}`;
const LOCKED = `notes_locked_${suffix}`;

describeWithPostgres('one message per database problem, on every path that meets it', () => {
  let folder: string;
  let port: number;

  beforeAll(async () => {
    folder = await tempFolder('notes-db-problems-');
    port = await closedPort();
    await runSql(`create role ${LOCKED_OUT} login`);
    await runSql(`create database ${LOCKED}`);
    await runSql(`revoke connect on database ${LOCKED} from public`);
  });
  afterAll(async () => {
    await runSql(`drop database if exists ${LOCKED} with (force)`);
    await runSql(`drop role if exists ${LOCKED_OUT}`);
    await removeFolder(folder);
  });

  const situations: [string, () => string, number, string, () => string][] = [
    [
      'a database that does not exist',
      () => databaseUrl(MISSING),
      500,
      'DATABASE_MISSING',
      () => `database "${MISSING}" does not exist on 127.0.0.1:5432; create it with: createdb -h 127.0.0.1 -p 5432 -U postgres ${MISSING}`,
    ],
    [
      'a login the server refuses',
      () => `postgres://${ROLE}@127.0.0.1:5432/postgres`,
      500,
      'DATABASE_LOGIN_REFUSED',
      () =>
        `the database server at 127.0.0.1:5432 refused the login of user "${ROLE}" (role "${ROLE}" does not exist): check the user and password in DATABASE_URL`,
    ],
    [
      'a role without CONNECT on the database',
      () => `postgres://${LOCKED_OUT}:s3cret@127.0.0.1:5432/${LOCKED}`,
      500,
      'DATABASE_LOGIN_REFUSED',
      () =>
        `the database server at 127.0.0.1:5432 refused user "${LOCKED_OUT}" the database "${LOCKED}" (permission denied for database "${LOCKED}"): GRANT CONNECT ON DATABASE "${LOCKED}" TO "${LOCKED_OUT}", or use another user in DATABASE_URL`,
    ],
    [
      'a server that is not there',
      () => `postgres://postgres@127.0.0.1:${port}/notes`,
      503,
      'DATABASE_UNAVAILABLE',
      () => `cannot reach the database (postgres://postgres@127.0.0.1:${port}/notes): connect ECONNREFUSED 127.0.0.1:${port}`,
    ],
  ];

  it.each(situations)('%s: the API answers it', async (_situation, url, status, code, message) => {
    const pool = new pg.Pool({ connectionString: url(), max: 1 });
    const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: url() }));
    const handler = createNotesHandler({ store: () => store, logger: silentLogger });
    try {
      const result = (await handler(restEvent('GET', '/folders') as never, lambdaContext())) as APIGatewayProxyResult;

      expect({ status: result.statusCode, json: JSON.parse(result.body) }).toEqual({
        status,
        json: { error: { code, message: message() } },
      });
    } finally {
      await pool.end();
    }
  });

  it.each(situations)(
    '%s: npm run migrate and npm start say it in their one error line',
    async (_situation, url, _status, _code, message) => {
      const env = { DATABASE_URL: url(), LOG_FILE: join(folder, 'api.log'), BACKUP_DIR: folder, NO_COLOR: '1' };

      const migrate = await startNotes([], env, { entry: 'dist/cli/migrate.js' }).exited;
      const start = await startNotes(['--no-backup'], env, { entry: 'dist/cli/start.js' }).exited;

      expect({ code: migrate.code, stderr: migrate.stderr }).toEqual({ code: 1, stderr: `migrate: ${message()}\n` });
      expect({ code: start.code, lastLine: start.stderr.trim().split('\n').at(-1) }).toEqual({ code: 1, lastLine: `notes: ${message()}` });
    },
  );

  const edits: [string, (id: number) => [method: string, path: string, body: unknown]][] = [
    ['tagging a note', (id) => ['PATCH', `/notes/${id}/tags`, { add: ['lost'] }]],
    ['moving notes', (id) => ['POST', '/notes/move', { ids: [id], folderId: null }]],
  ];
  it.each(edits)(
    'a connection lost in the middle of a transaction (%s): 503, nothing changed, and the API keeps running',
    async (_edit, request) => {
      const database = await createTestDatabase('notes_lost');
      const api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: folder });
      const blocker = new pg.Client({ connectionString: database.url });
      const call = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${api.url}${path}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        // biome-ignore lint/suspicious/noExplicitAny: a test reads the answer's fields freely
        return { status: response.status, json: (await response.json()) as any };
      };
      try {
        const folderId = (await call('POST', '/folders', { name: 'home' })).json.folder.id as number;
        const id = (await call('POST', '/notes', { title: 'held', folderId })).json.note.id as number;
        await blocker.connect();
        await blocker.query('begin');
        await blocker.query('select 1 from notes where id = $1 for update', [id]);
        const [method, path, body] = request(id);

        // The edit's transaction waits for the row; its connection is then ended by the server.
        const answer = call(method, path, body);
        await waitUntil(async () => {
          const { rows } = await blocker.query<{ pid: number }>(
            `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
          );
          return rows.length === 1 && (await blocker.query('select pg_terminate_backend($1)', [rows[0]!.pid])).rowCount === 1;
        }, 'the edit waiting for the held row, ended');

        expect(await answer).toMatchObject({ status: 503, json: { error: { code: 'DATABASE_UNAVAILABLE' } } });
        await blocker.query('rollback');
        expect(await call('GET', `/notes/${id}`)).toMatchObject({ status: 200, json: { note: { tags: [], folderId } } });
      } finally {
        await blocker.end().catch(() => undefined);
        await api.stop();
        await database.drop();
      }
    },
  );

  it('a role that may log in but not use the tables: the API says what to grant, for reads and changes alike', async () => {
    const database = await createTestDatabase('notes_no_rights');
    const role = `notes_no_rights_${suffix}`;
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    await runSql(`create role ${role} login`);
    const url = new URL(database.url);
    url.username = role;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: url.toString() }));
    const handler = createNotesHandler({ store: () => store, logger: silentLogger });
    const message = `the database role "${role}" may not use the tables of "${database.name}" (permission denied for table folders): GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${role}", and USAGE ON ALL SEQUENCES IN SCHEMA public`;
    try {
      expect(await callRoute(handler, 'GET', '/folders')).toEqual({
        status: 500,
        json: { error: { code: 'DATABASE_PERMISSION_DENIED', message } },
      });
      expect(await callRoute(handler, 'POST', '/folders', { name: 'home' })).toEqual({
        status: 500,
        json: { error: { code: 'DATABASE_PERMISSION_DENIED', message } },
      });
    } finally {
      await pool.end();
      await database.drop();
      await runSql(`drop role if exists ${role}`);
    }
  });

  it('a database dropped while the API runs: the notes app prints what the API answered', async () => {
    const database = await createTestDatabase('notes_dropped');
    const api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: folder });
    try {
      await database.drop();

      const { code, stdout, stderr } = await startNotes(['--api-url', api.url, 'folders'], { NO_COLOR: '1' }).exited;

      expect({ code, stdout, stderr }).toEqual({
        code: 1,
        stdout: '',
        stderr: `notes: database "${database.name}" does not exist on 127.0.0.1:5432; create it with: createdb -h 127.0.0.1 -p 5432 -U postgres ${database.name}\n`,
      });
    } finally {
      await api.stop();
      await database.drop();
    }
  });
});

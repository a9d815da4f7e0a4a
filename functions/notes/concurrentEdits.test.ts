import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { callRoute } from '../../test/support/events.js';
import { createTestDatabase, describeWithPostgres } from '../../test/support/postgres.js';
import { seedNotes } from '../../test/support/seedNotes.js';
import { databaseConnection } from '../db/databaseConnection.js';
import { migrate } from '../db/migrate.js';
import { silentLogger } from '../log/Logger.js';
import { createNotesHandler } from './handler.js';
import { NotesStore } from './NotesStore.js';

/*
 * Requests racing other transactions, made deterministic: a second client (`rival`) opens a
 * transaction and takes its locks, the request is started and waits for them (seen in
 * pg_stat_activity), then the rival goes on. Only on the server: the embedded database runs one
 * transaction at a time, so nothing there can interleave.
 */
describeWithPostgres('notes requests racing other transactions [PostgreSQL server]', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let rival: pg.Client;
  let handler: ReturnType<typeof createNotesHandler>;

  const call = (method: string, route: string, body?: unknown) => callRoute(handler, method, route, body);
  const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;
  /** Resolves once `count` connections of this database wait for a lock. */
  const blocked = async (count = 1) => {
    for (;;) {
      const [{ waiting }] = (await sql<{ waiting: number }>(
        `select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      )) as [{ waiting: number }];
      if (waiting >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const newNote = async (title: string, folderId: number | null = null) =>
    Number(
      (await sql<{ id: string }>('insert into notes (title, folder_id) values ($1, $2) returning id::text as id', [title, folderId]))[0]!
        .id,
    );
  const newFolder = async (name: string, parentId: number | null = null) =>
    (await sql<{ id: number }>('insert into folders (name, parent_id) values ($1, $2) returning id', [name, parentId]))[0]!.id;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    await seedNotes(database.url);
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: database.url }));
    handler = createNotesHandler({ store: () => store, logger: silentLogger });
  });
  afterEach(async () => {
    await rival?.end();
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });
  const openRival = async () => {
    rival = new pg.Client({ connectionString: database.url });
    await rival.connect();
    await rival.query('begin');
    return rival;
  };

  it('creates new tags in one order: an edit waiting for a tag before "race-m" holds "race-a", never "race-z"', async () => {
    const id = await newNote('sorted');
    await (await openRival()).query(`insert into tags (name) values ('race-m')`);

    const edit = call('PATCH', `/notes/${id}/tags`, { add: ['race-z', 'race-m', 'race-a'] });
    await blocked();
    await rival.query(`set lock_timeout = '200ms'; savepoint probe`);
    const probeA = await rival.query(`insert into tags (name) values ('race-a') on conflict do nothing`).catch((error) => error.code);
    await rival.query('rollback to probe');
    const probeZ = await rival.query(`insert into tags (name) values ('race-z') on conflict do nothing`).catch((error) => error.code);
    await rival.query('rollback');

    expect({ probeA, probeZ: probeZ.rowCount }).toEqual({ probeA: '55P03', probeZ: 1 });
    expect(await edit).toMatchObject({ status: 200, json: { added: ['race-z', 'race-m', 'race-a'] } });
  });

  it('runs a tag edit the database aborted as a deadlock again, and answers 200', async () => {
    const id = await newNote('deadlocked');
    // The rival waits 30 s before it looks for a deadlock, the edit 1 s (the default): the edit is the one aborted.
    await (await openRival()).query(`set deadlock_timeout = '30s'; insert into tags (name) values ('lock-b')`);

    const edit = call('PATCH', `/notes/${id}/tags`, { add: ['lock-a', 'lock-b'] });
    await blocked(); // The edit holds "lock-a" and waits for "lock-b": now the rival waits for "lock-a".
    await rival.query(`insert into tags (name) values ('lock-a') on conflict do nothing`);
    await rival.query('commit');

    expect(await edit).toMatchObject({ status: 200, json: { added: ['lock-a', 'lock-b'], note: { tags: ['lock-a', 'lock-b'] } } });
  });

  it('says where moved notes came from when a move that held them put them elsewhere meanwhile', async () => {
    const [a, b, c] = [await newFolder('f_a'), await newFolder('f_b'), await newFolder('f_c')];
    const ids: number[] = [];
    for (let i = 0; i < 200; i++) ids.push(await newNote(`moving ${i}`, a));
    await (await openRival()).query('update notes set folder_id = $2 where id = any($1::bigint[])', [ids, b]);

    const move = call('POST', '/notes/move', { ids, folderId: c });
    await blocked();
    await rival.query('commit');

    expect(await move).toEqual({
      status: 200,
      json: { to: { id: c, path: 'f_c' }, moved: ids.map((id) => ({ id, from: 'f_b' })), alreadyThere: [] },
    });
  });

  it('counts a sub-folder and note put into the subtree while the removal waited for them', async () => {
    const top = await newFolder('top');
    const sub = await newFolder('sub', top);
    const filed = await newNote('filed', sub);
    await openRival();
    const [{ id: racy }] = (
      await rival.query<{ id: number }>(`insert into folders (name, parent_id) values ('racy', $1) returning id`, [sub])
    ).rows as [{ id: number }];
    const racyNote = Number(
      (await rival.query(`insert into notes (title, folder_id) values ('racy note', $1) returning id`, [racy])).rows[0].id,
    );

    const removal = call('DELETE', `/folders/${top}`);
    await blocked();
    await rival.query('commit');

    expect(await removal).toEqual({
      status: 200,
      json: { removed: { id: top, path: 'top', subFolders: ['top/sub', 'top/sub/racy'], unfiledNotes: [filed, racyNote] } },
    });
    expect(await sql('select id from folders where id = any($1::int[])', [[top, sub, racy]])).toEqual([]);
  });
});

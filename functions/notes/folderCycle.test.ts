import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { type DatabaseUnderTest, describeEachDatabasePath } from '../../test/support/databasePaths.js';
import { callRoute } from '../../test/support/events.js';
import { databaseConnection } from '../db/databaseConnection.js';
import { silentLogger } from '../log/Logger.js';
import { createNotesHandler } from './handler.js';
import { NotesStore } from './NotesStore.js';
import { queryRows } from '../../test/support/queryRows.js';

/*
 * No route can make folders a cycle (folders are never re-parented), but editing the database or
 * restoring such data can: every query that walks the folders still ends, and answers.
 */
describeEachDatabasePath('folders in a cycle', (path) => {
  let db: DatabaseUnderTest;
  let pool: pg.Pool;
  let handler: ReturnType<typeof createNotesHandler>;
  const folder: Record<string, number> = {};
  const note: Record<string, number> = {};

  const call = (method: string, route: string, query: Record<string, string> | null = null) =>
    callRoute(handler, method, query ? `${route}?${new URLSearchParams(query)}` : route);
  const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(db.url, text, values);

  beforeAll(async () => {
    db = await path.create();
    // loop_a holds loop_b, which holds loop_c; then loop_a is put inside loop_c.
    await sql(`
      insert into folders (name) values ('loop_a');
      insert into folders (parent_id, name) select id, 'loop_b' from folders where name = 'loop_a';
      insert into folders (parent_id, name) select id, 'loop_c' from folders where name = 'loop_b';
      update folders set parent_id = (select id from folders where name = 'loop_c') where name = 'loop_a';
      insert into notes (title, folder_id) select 'cycling in ' || name, id from folders where name like 'loop_%';
    `);
    for (const row of await sql<{ id: number; name: string }>('select id, name from folders')) folder[row.name] = row.id;
    for (const row of await sql<{ id: string; title: string }>('select id::text, title from notes')) note[row.title] = Number(row.id);
    // On the server, a query that loops fails after 10 s instead of running until the test times out.
    const timeout = path.name.startsWith('PostgreSQL') ? { statement_timeout: 10_000 } : {};
    pool = new pg.Pool({ connectionString: db.url, max: 2, ...timeout });
    const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: db.url }));
    handler = createNotesHandler({ store: () => store, logger: silentLogger });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });

  const inCycle = ['cycling in loop_a', 'cycling in loop_b', 'cycling in loop_c'];

  it('lists the folders: those of the cycle, which no top folder leads to, are left out', async () => {
    const answer = await call('GET', '/folders');

    expect(answer.status).toBe(200);
    expect(answer.json.folders.map((f: { path: string }) => f.path)).toEqual([
      'home',
      'home/groceries',
      'home/groceries/épicerie fine ☕',
      'work',
    ]);
  });

  it.each([
    ['lists', {}],
    ['searches', { q: 'cycling' }],
  ])('%s the notes of a folder in the cycle: every folder of the cycle, each once', async (_case, query) => {
    const answer = await call('GET', '/notes', { ...query, folderId: String(folder.loop_b) });

    expect(answer.status).toBe(200);
    expect(answer.json.notes.map((n: { title: string }) => n.title).sort()).toEqual(inCycle);
  });

  it('removes a folder of the cycle with the whole cycle, and says so', async () => {
    const answer = await call('DELETE', `/folders/${folder.loop_a}`);

    expect(answer).toEqual({
      status: 200,
      json: {
        removed: {
          id: folder.loop_a,
          path: 'loop_a',
          subFolders: ['loop_b', 'loop_c'],
          unfiledNotes: inCycle.map((title) => note[title]!).sort((a, b) => a - b),
        },
      },
    });
    expect(await sql(`select name from folders where name like 'loop_%'`)).toEqual([]);
    expect(await sql(`select folder_id from notes where title like 'cycling in %'`)).toEqual(inCycle.map(() => ({ folder_id: null })));
  });
});

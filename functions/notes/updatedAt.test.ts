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
 * One rule: a note whose own data changed (title, body, status, folder, tags) has a new updated_at,
 * set in the transaction that changed it; a request that changed nothing of it leaves it as it was.
 */
describeEachDatabasePath('a note changed has a new updated_at', (path) => {
  let db: DatabaseUnderTest;
  let pool: pg.Pool;
  let handler: ReturnType<typeof createNotesHandler>;
  let id: number;
  let folderId: number;

  const call = async (method: string, route: string, body?: unknown) => (await callRoute(handler, method, route, body)).status;
  const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(db.url, text, values);
  /** Sets the note's updated_at far back, so that any change of it shows. */
  const backdate = () =>
    sql(
      `alter table notes disable trigger user; update notes set updated_at = '2001-01-01Z' where id = ${id}; alter table notes enable trigger user`,
    );
  const updatedAt = async () =>
    (await sql<{ updated_at: Date }>('select updated_at from notes where id = $1', [id]))[0]!.updated_at.toISOString();

  beforeAll(async () => {
    db = await path.create();
    folderId = (await sql<{ id: number }>(`insert into folders (name) values ('short-lived') returning id`))[0]!.id;
    id = Number(
      (await sql<{ id: string }>(`insert into notes (title, folder_id) values ('watched', $1) returning id::text as id`, [folderId]))[0]!
        .id,
    );
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: db.url }));
    handler = createNotesHandler({ store: () => store, logger: silentLogger });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });

  const requests: [string, boolean, () => [string, string, unknown?]][] = [
    ['a tag added', true, () => ['PATCH', `/notes/${id}/tags`, { add: ['fresh'] }]],
    ['a tag the note has added again', false, () => ['PATCH', `/notes/${id}/tags`, { add: ['fresh'] }]],
    ['a tag added again by its own route', false, () => ['PUT', `/notes/${id}/tags/fresh`]],
    ['a tag removed', true, () => ['DELETE', `/notes/${id}/tags/fresh`]],
    ['a tag edit that fails (a tag the note lacks)', false, () => ['PATCH', `/notes/${id}/tags`, { add: ['other'], remove: ['fresh'] }]],
    ['its folder removed: the note un-filed', true, () => ['DELETE', `/folders/${folderId}`]],
  ];

  it.each(requests)('%s: changed %s', async (_case, changed, request) => {
    await backdate();
    const before = await updatedAt();

    await call(...request());

    const after = await updatedAt();
    if (changed) expect(after > before).toBe(true);
    else expect(after).toBe(before);
  });
});

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { rowsOf } from '../../test/support/compareDatabases.js';
import { type DatabaseUnderTest, describeEachDatabasePath } from '../../test/support/databasePaths.js';
import { callRoute } from '../../test/support/events.js';
import { databaseConnection } from '../db/databaseConnection.js';
import { silentLogger } from '../log/Logger.js';
import { createNotesHandler } from './handler.js';
import { NotesStore } from './NotesStore.js';
import { queryRows } from '../../test/support/queryRows.js';

/*
 * Every route that changes several things does all of it or nothing. Each failure below is checked
 * against every row of every table, read directly from the database: unchanged.
 */

// A tag, and a folder, whose changes fail inside the transaction, after it has already changed something.
const FAILING_TAG = 'explodes-in-test';
const FAILING_FOLDER = 'tripwire';

describeEachDatabasePath('edits of several things are all or nothing', (path) => {
  let db: DatabaseUnderTest;
  let pool: pg.Pool;
  let handler: ReturnType<typeof createNotesHandler>;
  /** The seeded notes and folders by title and path. */
  const note: Record<string, number> = {};
  const folder: Record<string, number> = {};

  const call = (method: string, route: string, body?: unknown) => callRoute(handler, method, route, body);
  const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(db.url, text, values);
  const tagsOf = async (id: number) =>
    (
      await sql<{ name: string }>('select t.name from note_tags nt join tags t on t.id = nt.tag_id where nt.note_id = $1 order by t.name', [
        id,
      ])
    ).map((row) => row.name);

  beforeAll(async () => {
    db = await path.create();
    // Seeded: home/groceries/épicerie fine ☕ holding "Crème brûlée" (tagged urgent, 日本語, emoji 🎉),
    // work, and two notes without a folder. Added: doomed/tripwire, with a note in each.
    await sql(`
      insert into folders (name) values ('doomed');
      insert into folders (parent_id, name) select id, '${FAILING_FOLDER}' from folders where name = 'doomed';
      insert into notes (title, folder_id) select 'in doomed', id from folders where name = 'doomed';
      insert into notes (title, folder_id) select 'in tripwire', id from folders where name = '${FAILING_FOLDER}';
      create function fail_in_test() returns trigger language plpgsql as $$
      begin
        raise exception 'injected failure (test)';
      end
      $$;
      create function fail_on_failing_tag() returns trigger language plpgsql as $$
      begin
        if (select name from tags where id = new.tag_id) = '${FAILING_TAG}' then
          raise exception 'injected failure (test)';
        end if;
        return new;
      end
      $$;
      create trigger fail_on_tag before insert on note_tags for each row execute function fail_on_failing_tag();
      create trigger fail_on_folder before delete on folders for each row
        when (old.name = '${FAILING_FOLDER}') execute function fail_in_test();
    `);
    for (const row of await sql<{ id: string; title: string }>('select id::text, title from notes')) note[row.title] = Number(row.id);
    for (const row of await sql<{ id: number; name: string }>('select id, name from folders')) folder[row.name] = row.id;
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: db.url }));
    handler = createNotesHandler({ store: () => store, logger: silentLogger });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });

  const failures: [string, string, string, () => unknown, number, string, () => string][] = [
    [
      'untag with one tag the note lacks',
      'PATCH',
      'crème/tags',
      () => ({ remove: ['urgent', 'nothere'] }),
      404,
      'NOT_FOUND',
      () => `note ${note['Crème brûlée']} has no tag "nothere"; nothing was changed`,
    ],
    [
      'untag with several tags the note lacks, named every one',
      'PATCH',
      'crème/tags',
      () => ({ remove: ['nothere', 'urgent', 'gone'] }),
      404,
      'NOT_FOUND',
      () => `note ${note['Crème brûlée']} has no tags "nothere" and "gone"; nothing was changed`,
    ],
    [
      'untag with 500 tags the note lacks: the first ten named, the rest counted',
      'PATCH',
      'crème/tags',
      () => ({ remove: ['urgent', ...Array.from({ length: 500 }, (_, i) => `gone-${i}`)] }),
      404,
      'NOT_FOUND',
      () =>
        `note ${note['Crème brûlée']} has no tags ${Array.from({ length: 10 }, (_, i) => `"gone-${i}"`).join(', ')}, … and 490 more; nothing was changed`,
    ],
    [
      'tag with one empty tag among valid ones',
      'PATCH',
      'crème/tags',
      () => ({ add: ['fresh', '  '], remove: ['urgent'] }),
      400,
      'INVALID_INPUT',
      () => 'tag "  " must be 1 to 100 characters',
    ],
    [
      'tag with one too long tag among valid ones',
      'PATCH',
      'crème/tags',
      () => ({ add: ['fresh', 'x'.repeat(101)] }),
      400,
      'INVALID_INPUT',
      () => `tag "${'x'.repeat(39)}…" must be 1 to 100 characters`,
    ],
    [
      'tag with a lone surrogate (JSON "\\udc00", stored as U+FFFD if let through) among valid ones',
      'PATCH',
      'crème/tags',
      () => ({ add: ['fresh', '\udc00'] }),
      400,
      'INVALID_INPUT',
      () => 'tag "\\udc00" must not contain a lone UTF-16 surrogate (\\ud800 to \\udfff without its pair)',
    ],
    [
      'tag with one tag given twice',
      'PATCH',
      'crème/tags',
      () => ({ add: ['fresh', ' fresh'] }),
      400,
      'INVALID_INPUT',
      () => 'tag "fresh" is given twice',
    ],
    [
      'a tag both added and removed',
      'PATCH',
      'crème/tags',
      () => ({ add: ['urgent'], remove: ['urgent'] }),
      400,
      'INVALID_INPUT',
      () => 'tag "urgent" is both in add and in remove',
    ],
    [
      'a tag edit on a note that does not exist',
      'PATCH',
      '/notes/999999/tags',
      () => ({ add: ['fresh'] }),
      404,
      'NOT_FOUND',
      () => 'note 999999 does not exist',
    ],
    [
      'a failure inside the transaction after a tag was removed',
      'PATCH',
      'crème/tags',
      () => ({ remove: ['urgent'], add: ['fresh', FAILING_TAG] }),
      500,
      'INTERNAL_ERROR',
      () => 'internal error; the API log has the details',
    ],
    [
      'move with one id that is not a note',
      'POST',
      '/notes/move',
      () => ({ ids: [note['top-level note'], 999999, note['empty body']], folderId: folder.work }),
      404,
      'NOT_FOUND',
      () => 'note 999999 does not exist; nothing was moved',
    ],
    [
      'move with several ids that are not notes, named every one',
      'POST',
      '/notes/move',
      () => ({ ids: [999999, note['top-level note'], 888888], folderId: null }),
      404,
      'NOT_FOUND',
      () => 'notes 999999 and 888888 do not exist; nothing was moved',
    ],
    [
      'move of 10,000 ids, 9,999 of them unknown: the first ten named, the rest counted',
      'POST',
      '/notes/move',
      () => ({ ids: [note['top-level note'], ...Array.from({ length: 9_999 }, (_, i) => 900_001 + i)], folderId: null }),
      404,
      'NOT_FOUND',
      () => `notes ${Array.from({ length: 10 }, (_, i) => 900_001 + i).join(', ')}, … and 9,989 more do not exist; nothing was moved`,
    ],
    [
      'move into a folder that does not exist',
      'POST',
      '/notes/move',
      () => ({ ids: [note['top-level note']], folderId: 99999 }),
      404,
      'NOT_FOUND',
      () => 'folder 99999 does not exist; nothing was moved',
    ],
    [
      'move with an id given twice',
      'POST',
      '/notes/move',
      () => ({ ids: [note['empty body'], note['empty body']], folderId: null }),
      400,
      'INVALID_INPUT',
      () => `note ${note['empty body']} is given twice`,
    ],
    [
      'a folder removal that fails inside the transaction, after the notes were taken out of the folders',
      'DELETE',
      'doomed',
      () => undefined,
      500,
      'INTERNAL_ERROR',
      () => 'internal error; the API log has the details',
    ],
  ];

  it.each(failures)('%s changes nothing', async (_case, method, target, body, status, code, message) => {
    const before = await rowsOf(db.url);
    const route =
      target === 'crème/tags' ? `/notes/${note['Crème brûlée']}/tags` : target === 'doomed' ? `/folders/${folder.doomed}` : target;

    const answer = await call(method, route, body());

    expect(answer).toEqual({ status, json: { error: { code, message: message() } } });
    expect(await rowsOf(db.url)).toEqual(before);
  });

  it('adds, keeps and removes tags of a note at once, and says which', async () => {
    const id = note['Crème brûlée']!;

    const answer = await call('PATCH', `/notes/${id}/tags`, { add: ['fresh', 'urgent', 'two words'], remove: ['日本語'] });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ added: ['fresh', 'two words'], alreadyHad: ['urgent'], removed: ['日本語'] });
    expect(answer.json.note.tags).toEqual(await tagsOf(id));
    expect(await tagsOf(id)).toEqual(['emoji 🎉', 'fresh', 'two words', 'urgent'].sort());
  });

  it('keeps the single-tag routes: tagging twice changes nothing, untagging a tag the note lacks is a 404', async () => {
    const id = note['top-level note']!;

    expect((await call('PUT', `/notes/${id}/tags/solo`)).json.note.tags).toEqual(['solo']);
    expect((await call('PUT', `/notes/${id}/tags/solo`)).json.note.tags).toEqual(['solo']);
    expect((await call('DELETE', `/notes/${id}/tags/solo`)).json.note.tags).toEqual([]);
    expect(await call('DELETE', `/notes/${id}/tags/solo`)).toEqual({
      status: 404,
      json: { error: { code: 'NOT_FOUND', message: `note ${id} has no tag "solo"; nothing was changed` } },
    });
  });

  it('moves notes and says which came from where; a note already there stays', async () => {
    const ids = [note['in doomed']!, note['top-level note']!, note['in tripwire']!];
    await call('POST', '/notes/move', { ids: [note['in tripwire']], folderId: folder.work });

    const answer = await call('POST', '/notes/move', { ids, folderId: folder.work });

    expect(answer).toEqual({
      status: 200,
      json: {
        to: { id: folder.work, path: 'work' },
        moved: [
          { id: note['in doomed'], from: 'doomed' },
          { id: note['top-level note'], from: null },
        ],
        alreadyThere: [note['in tripwire']],
      },
    });
    const rows = await sql<{ id: string; folder_id: number | null }>('select id::text, folder_id from notes where id = any($1::bigint[])', [
      ids,
    ]);
    expect(rows.map((row) => row.folder_id)).toEqual([folder.work, folder.work, folder.work]);
    // And back: out of any folder.
    expect((await call('POST', '/notes/move', { ids: [note['top-level note']], folderId: null })).json.moved).toEqual([
      { id: note['top-level note'], from: 'work' },
    ]);
  });

  it('removes a folder with the folders inside it and says exactly what changed', async () => {
    const crème = note['Crème brûlée']!;

    const answer = await call('DELETE', `/folders/${folder.home}`);

    expect(answer).toEqual({
      status: 200,
      json: {
        removed: {
          id: folder.home,
          path: 'home',
          subFolders: ['home/groceries', 'home/groceries/épicerie fine ☕'],
          unfiledNotes: [crème],
        },
      },
    });
    expect((await sql<{ name: string }>('select name from folders order by name')).map((row) => row.name)).toEqual([
      'doomed',
      FAILING_FOLDER,
      'work',
    ]);
    expect(await sql('select folder_id from notes where id = $1', [crème])).toEqual([{ folder_id: null }]);
  });

  it('keeps concurrent edits apart: the ones that fail roll back only their own changes', async () => {
    const id = note['empty body']!;
    await call('PUT', `/notes/${id}/tags/shared`);
    const tags = Array.from({ length: 8 }, (_, i) => `concurrent-${i}`);

    // Every other edit removes "shared", then fails inside its transaction: it must undo that, and only that.
    const answers = await Promise.all(
      tags.map((tag, i) =>
        call('PATCH', `/notes/${id}/tags`, i % 2 === 0 ? { add: [tag] } : { remove: ['shared'], add: [tag, FAILING_TAG] }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(tags.map((_, i) => (i % 2 === 0 ? 200 : 500)));
    expect(await tagsOf(id)).toEqual([...tags.filter((_, i) => i % 2 === 0), 'shared']);
  });
});

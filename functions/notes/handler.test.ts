import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import pg from 'pg';
import { callRoute, lambdaContext, restEvent } from '../../test/support/events.js';
import { createTestDatabase, describeWithPostgres } from '../../test/support/postgres.js';
import { databaseConnection } from '../db/databaseConnection.js';
import { migrate } from '../db/migrate.js';
import { silentLogger } from '../log/Logger.js';
import { createNotesHandler } from './handler.js';
import { NotesStore } from './NotesStore.js';

describeWithPostgres('notes routes (folders, notes, tags) on the real PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let handler: ReturnType<typeof createNotesHandler>;

  const call = (method: string, path: string, body?: unknown) => callRoute(handler, method, path, body);

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: database.url }));
    handler = createNotesHandler({ store: () => store, logger: silentLogger });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('keeps nested folders, notes and tags, and answers each route as documented', async () => {
    const home = (await call('POST', '/folders', { name: 'home' })).json.folder;
    const groceries = await call('POST', '/folders', { name: 'groceries', parentId: home.id });
    expect(groceries).toEqual({
      status: 201,
      json: { folder: { id: expect.any(Number), parentId: home.id, name: 'groceries', path: 'home/groceries', notes: 0 } },
    });

    const note = await call('POST', '/notes', { title: 'Crème brûlée', body: 'Sahne ☕', folderId: groceries.json.folder.id });
    expect(note.status).toBe(201);
    expect(note.json.note).toMatchObject({ title: 'Crème brûlée', body: 'Sahne ☕', folder: 'home/groceries', status: 'active', tags: [] });
    const id = note.json.note.id;

    expect((await call('PUT', `/notes/${id}/tags/dessert`)).json.note.tags).toEqual(['dessert']);
    expect((await call('PUT', `/notes/${id}/tags/dessert`)).json.note.tags).toEqual(['dessert']);
    expect((await call('GET', '/notes?tag=dessert')).json.notes.map((n: { id: number }) => n.id)).toEqual([id]);
    expect((await call('GET', '/notes?tag=other')).json.notes).toEqual([]);
    expect((await call('PATCH', `/notes/${id}`, { status: 'archived', folderId: null })).json.note).toMatchObject({
      status: 'archived',
      folder: null,
    });
    expect((await call('DELETE', `/notes/${id}/tags/dessert`)).json.note.tags).toEqual([]);
    expect((await call('GET', '/folders')).json.folders.map((f: { path: string }) => f.path)).toEqual(['home', 'home/groceries']);
    expect(await call('DELETE', `/folders/${home.id}`)).toEqual({
      status: 200,
      json: { removed: { id: home.id, path: 'home', subFolders: ['home/groceries'], unfiledNotes: [] } },
    });
    expect((await call('GET', '/folders')).json.folders).toEqual([]);
    expect(await call('DELETE', `/notes/${id}`)).toEqual({ status: 204, json: undefined });
  });

  it.each([
    ['POST', '/folders', { name: 'dup' }, 409, 'CONFLICT', 'a folder named "dup" already exists there'],
    ['POST', '/folders', { name: 'a/b' }, 400, 'INVALID_INPUT', 'name must not contain "/"'],
    ['POST', '/folders', { name: 'x', colour: 'red' }, 400, 'INVALID_INPUT', 'unknown field "colour"; allowed: name, parentId'],
    ['POST', '/folders', { name: 'x', parentId: 999999 }, 404, 'NOT_FOUND', 'folder 999999 does not exist'],
    ['POST', '/notes', { body: 'no title' }, 400, 'INVALID_INPUT', 'title is required'],
    ['POST', '/notes', ['not', 'an', 'object'], 400, 'INVALID_INPUT', 'the body must be a JSON object'],
    ['GET', '/notes/999999', undefined, 404, 'NOT_FOUND', 'note 999999 does not exist'],
    ['GET', '/notes/abc', undefined, 400, 'INVALID_INPUT', 'note id must be a whole number from 1 to 9007199254740991'],
    ['GET', '/notes/99999999999999999', undefined, 400, 'INVALID_INPUT', 'note id must be a whole number from 1 to 9007199254740991'],
    ['GET', '/notes?folderId=99999999999', undefined, 400, 'INVALID_INPUT', 'folderId must be a whole number from 1 to 2147483647'],
    ['PATCH', '/folders/99999999999', { name: 'x' }, 400, 'INVALID_INPUT', 'folder id must be a whole number from 1 to 2147483647'],
    [
      'POST',
      '/folders',
      { name: 'x', parentId: 99999999999 },
      400,
      'INVALID_INPUT',
      'parentId must be a whole number from 1 to 2147483647',
    ],
    ['POST', '/notes', { title: 'x', folderId: 99999999999 }, 400, 'INVALID_INPUT', 'folderId must be a whole number from 1 to 2147483647'],
    ['PATCH', '/notes/1', { status: 'done' }, 400, 'INVALID_INPUT', 'status must be one of draft, active, archived'],
    ['DELETE', '/notes/999999/tags/x', undefined, 404, 'NOT_FOUND', 'note 999999 does not exist'],
    ['GET', '/nowhere', undefined, 404, 'NOT_FOUND', 'Route does not exist'],
  ])('%s %s %j answers %i %s', async (method, path, body, status, code, message) => {
    await call('POST', '/folders', { name: 'dup' });

    expect(await call(method, path, body)).toEqual({ status, json: { error: { code, message } } });
  });

  // JSON.parse's own words follow the prefix (newer Node versions add the line and column).
  it.each([
    ['POST', '/folders', 'application/json', '{"name":', 400, 'MALFORMED_JSON', 'the body is not valid JSON: Unexpected end of JSON input'],
    [
      'POST',
      '/notes',
      'application/json; charset=utf-8',
      "{'title': 'x'}",
      400,
      'MALFORMED_JSON',
      `the body is not valid JSON: Expected property name or '}' in JSON at position 1`,
    ],
    [
      'PATCH',
      '/notes/1',
      'application/json',
      '{"add": ["a",]}',
      400,
      'MALFORMED_JSON',
      `the body is not valid JSON: Unexpected token ']', "{"add": ["a",]}" is not valid JSON`,
    ],
    [
      'POST',
      '/notes',
      'text/plain',
      '{"title":"x"}',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'the body must be JSON sent with Content-Type: application/json (got "text/plain")',
    ],
  ])('%s %s with %s %s answers %i %s', async (method, path, type, body, status, code, message) => {
    const event = restEvent(method, path, body);
    event.headers = { 'Content-Type': type };

    const result = (await handler(event as never, lambdaContext())) as APIGatewayProxyResult;

    expect({ status: result.statusCode, json: JSON.parse(result.body) }).toEqual({
      status,
      json: { error: { code, message: expect.stringMatching(new RegExp(`^${escapeRegExp(message)}`)) } },
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

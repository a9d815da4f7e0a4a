import { afterEach, describe, expect, it } from '@jest/globals';
import { closedPort, standInApi } from '../../test/support/standInServers.js';
import { waitUntil } from '../../test/support/waitUntil.js';
import { ApiClient, ApiError, ApiUnreachableError } from './ApiClient.js';

describe('ApiClient (against a stand-in HTTP server on loopback)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('sends JSON and the bearer token, and returns the parsed answer', async () => {
    const milk = {
      id: 7,
      title: 'Milk',
      folderId: null,
      folder: null,
      status: 'active',
      tags: [],
      updatedAt: '2026-11-26T19:27:52.123Z',
      body: '',
      createdAt: '2026-11-26T19:27:52.123Z',
    };
    const api = await standInApi(() => ({ status: 201, body: JSON.stringify({ note: milk }) }));
    close = api.close;

    const note = await new ApiClient({ baseUrl: `${api.url}/`, token: 't0ken' }).createNote({ title: 'Milk', folderId: null });

    expect(note).toEqual(milk);
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/notes',
        body: '{"title":"Milk","folderId":null}',
        headers: expect.objectContaining({ authorization: 'Bearer t0ken', 'content-type': 'application/json' }),
      }),
    ]);
  });

  it.each([
    [409, JSON.stringify({ error: { code: 'BACKUP_IN_PROGRESS', message: 'busy' } }), 'application/json', 'BACKUP_IN_PROGRESS', 'busy'],
    [
      500,
      JSON.stringify({ error: { code: 'DUMP_FAILED', message: 'pg_dump failed' } }),
      'application/json',
      'DUMP_FAILED',
      'pg_dump failed',
    ],
    [
      502,
      '<html>Bad Gateway</html>',
      'text/html',
      'HTTP_502',
      "URL answered 502 Bad Gateway with text/html, not the notes API's JSON: is --api-url (API_URL) right?",
    ],
    [
      200,
      '<!doctype html><h1>Welcome to nginx</h1>',
      'text/html; charset=utf-8',
      'HTTP_200',
      "URL answered 200 OK with text/html, not the notes API's JSON: is --api-url (API_URL) right?",
    ],
  ])(
    'turns a %i answer into an ApiError, summarising one that is not JSON in one line',
    async (status, body, contentType, code, message) => {
      const api = await standInApi(() => ({ status, body, contentType }));
      close = api.close;

      const error = await new ApiClient({ baseUrl: api.url }).backup({ timeoutMs: 5_000 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status, code, message: message.replace('URL', api.url) });
    },
  );

  it.each([
    ['no credential', {}, 401, 'the API requires a token (401): pass --token or set API_TOKEN'],
    ['a token', { token: 'wrong' }, 401, 'the API refused the token (401): check --token (API_TOKEN)'],
    [
      'no credential',
      {},
      403,
      'the API refused the request (403 Forbidden): the deployed API needs its key: pass --api-key or set API_KEY',
    ],
    ['an API key', { apiKey: 'wrong' }, 403, 'the API refused the API key (403 Forbidden): check --api-key (API_KEY)'],
  ])('says which credential to give when refused with %s (%i)', async (_with, credentials, status, message) => {
    // 401 as the gateway answers a bearer-token failure; 403 as AWS API Gateway answers a missing or wrong API key.
    const body = status === 401 ? { error: { code: 'UNAUTHORIZED', message: 'the bearer token is wrong' } } : { message: 'Forbidden' };
    const api = await standInApi(() => ({ status, body: JSON.stringify(body) }));
    close = api.close;

    const error = await new ApiClient({ baseUrl: api.url, ...credentials }).listFolders().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as Error).message).toBe(message);
  });

  it('sends the API key as x-api-key, as the API deployed on AWS expects', async () => {
    const api = await standInApi(() => ({ status: 200, body: JSON.stringify({ folders: [] }) }));
    close = api.close;

    await new ApiClient({ baseUrl: api.url, apiKey: 'k3y' }).listFolders();

    expect(api.requests[0]!.headers).toEqual(expect.objectContaining({ 'x-api-key': 'k3y' }));
    expect(api.requests[0]!.headers).not.toHaveProperty('authorization');
  });

  it.each([
    ['an empty object', '{}'],
    ['null', 'null'],
    ['a list', '[]'],
    ['a list of the wrong kind', '{"notes":"x"}'],
    ['notes missing their fields', '{"notes":[{"id":1}]}'],
    ['an error of another shape', '{"error":"nope"}'],
  ])("refuses an answer that is JSON but not the notes API's: %s", async (_what, body) => {
    const api = await standInApi(() => ({ status: 200, body }));
    close = api.close;

    const error = await new ApiClient({ baseUrl: api.url }).listNotes().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as Error).message).toBe(
      `${api.url} answered 200 with JSON that is not the notes API's answer: is --api-url (API_URL) right?`,
    );
  });

  it("shows an API's error message as one safe line: escapes and newlines shown (␛, ␊), not sent, at most 300 characters", async () => {
    const message = `\u001b[31mred\u001b[0m\nsecond line ${'x'.repeat(2_000)}`;
    const api = await standInApi(() => ({ status: 500, body: JSON.stringify({ error: { code: 'DUMP_FAILED', message } }) }));
    close = api.close;

    const error = (await new ApiClient({ baseUrl: api.url }).listFolders().catch((e: unknown) => e)) as Error;

    expect(error.message).toMatch(/^␛\[31mred␛\[0m␊second line x+…$/);
    expect(error.message).toHaveLength(300);
  });

  it('says when nothing listens', async () => {
    const port = await closedPort();

    const error = await new ApiClient({ baseUrl: `http://127.0.0.1:${port}` }).listFolders().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect((error as Error).message).toBe(`cannot reach the API at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('gives up after the timeout when the API never answers', async () => {
    const api = await standInApi(() => undefined);
    close = api.close;

    const error = await new ApiClient({ baseUrl: api.url }).backup({ timeoutMs: 300 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect((error as Error).message).toBe(`the API at ${api.url} did not answer within 0.3 s`);
  });

  it('stops waiting when the caller aborts', async () => {
    const api = await standInApi(() => undefined);
    close = api.close;
    const abort = new AbortController();

    const pending = new ApiClient({ baseUrl: api.url }).backup({ timeoutMs: 10_000, signal: abort.signal }).catch((e: unknown) => e);
    await waitUntil(() => api.requests.length === 1, 'the request reached the API');
    abort.abort();

    expect(((await pending) as Error).message).toBe('the wait was aborted');
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import { closedPort, standInApi } from '../../test/support/standInServers.js';
import { ApiClient, ApiError, ApiUnreachableError } from './ApiClient.js';

describe('ApiClient (against a stand-in HTTP server on loopback)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('sends JSON and the bearer token, and returns the parsed answer', async () => {
    const api = await standInApi(() => ({ status: 201, body: JSON.stringify({ note: { id: 7, title: 'Milk' } }) }));
    close = api.close;

    const note = await new ApiClient({ baseUrl: `${api.url}/`, token: 't0ken' }).createNote({ title: 'Milk', folderId: null });

    expect(note).toEqual({ id: 7, title: 'Milk' });
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
    [500, JSON.stringify({ error: { code: 'DUMP_FAILED', message: 'pg_dump failed' } }), 'application/json', 'DUMP_FAILED', 'pg_dump failed'],
    [502, '<html>Bad Gateway</html>', 'text/html', 'HTTP_502', '<html>Bad Gateway</html>'],
  ])('turns a %i answer into an ApiError', async (status, body, contentType, code, message) => {
    const api = await standInApi(() => ({ status, body, contentType }));
    close = api.close;

    const error = await new ApiClient({ baseUrl: api.url }).backup({ timeoutMs: 5_000 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status, code, message });
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
    setTimeout(() => abort.abort(), 50);

    expect(((await pending) as Error).message).toBe('the wait was aborted');
  });
});

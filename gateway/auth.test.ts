import { expect, it } from '@jest/globals';
import { apiWithDatabase } from '../test/support/apiWithDatabase.js';
import { startNotes } from '../test/support/cliProcess.js';
import { describeWithPostgres } from '../test/support/postgres.js';
import { namesIn } from '../test/support/tempFolder.js';

const TOKEN = 'c0rrect-horse-battery-staple';

describeWithPostgres('API_TOKEN: every route needs the bearer token', () => {
  const setup = apiWithDatabase(() => ({ API_TOKEN: TOKEN }));

  const MISSING = 'this API needs a token: send Authorization: Bearer <API_TOKEN>';
  const WRONG = 'the bearer token is wrong';

  it.each([
    ['no Authorization header', undefined, MISSING],
    ['a wrong token', `Bearer ${TOKEN}x`, WRONG],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 10)}`, WRONG],
    ['basic auth', `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`, MISSING],
    ['the token without Bearer', TOKEN, MISSING],
  ])(
    'answers 401 to %s on every route, saying whether the token is missing or wrong, and creates nothing',
    async (_what, authorization, message) => {
      for (const [method, path] of [
        ['POST', '/db-backup'],
        ['GET', '/db-backups'],
        ['GET', '/health'],
        ['GET', '/notes'],
        ['POST', '/folders'],
      ]) {
        const response = await fetch(`${setup.api.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: method === 'POST' ? '{"name":"intruder"}' : undefined,
        });

        expect([path, response.status]).toEqual([path, 401]);
        expect(((await response.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'UNAUTHORIZED', message });
      }
      expect(await namesIn(setup.dir)).toEqual([]);
    },
  );

  it('lets the notes app in with --token, and it backs up when leaving', async () => {
    const run = startNotes(['--api-url', setup.api.url, '--token', TOKEN]);
    run.write('folder add home\nexit\n');

    const { code, stdout } = await run.exited;

    expect(code).toBe(0);
    expect(stdout).toMatch(/^created folder home\nBacked up /);
    expect((await namesIn(setup.dir)).filter((name) => name.endsWith('.sql'))).toHaveLength(1);
  });
});

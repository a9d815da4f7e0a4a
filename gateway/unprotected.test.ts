import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startApiProcess } from '../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { waitUntil } from '../test/support/waitUntil.js';

describeWithPostgres('the gateway listening beyond loopback without API_TOKEN', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await tempFolder();
  });
  afterAll(async () => {
    await removeFolder(dir);
    await database.drop();
  });

  it.each([
    ['warns loudly when it listens on 0.0.0.0', {}, true],
    ['stays quiet when compose publishes the port on the loopback only (PUBLISHED_ON=127.0.0.1)', { PUBLISHED_ON: '127.0.0.1' }, false],
    ['warns when the port is published beyond the loopback (PUBLISHED_ON=0.0.0.0)', { PUBLISHED_ON: '0.0.0.0' }, true],
  ])('%s', async (_what, env, warns) => {
    const api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir, HOST: '0.0.0.0', API_TOKEN: '', ...env });
    try {
      // The warning is written at start-up, before any request is served: once a request is logged, it is there or never comes.
      await fetch(`${api.url}/nowhere`);
      await waitUntil(() => api.logs().includes('"event":"request"'), 'the request logged');

      expect(api.logs().includes('WARNING: listening on 0.0.0.0 without API_TOKEN')).toBe(warns);
      expect(api.logs().includes('"event":"gateway.unprotected"')).toBe(warns);
    } finally {
      await api.stop();
    }
  });
});

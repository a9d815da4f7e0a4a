import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startApiProcess } from '../../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../../test/support/postgres.js';
import { removeFolder, tempFolder } from '../../test/support/tempFolder.js';

describeWithPostgres('the API with a DATABASE_URL naming no user, run where USER and LOGNAME are unset (cron, systemd, env -i)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await tempFolder();
    const url = new URL(database.url);
    url.username = '';
    url.password = '';
    // The OS user (as libpq would take it) must be a role of the test server, as root and postgres are here.
    api = await startApiProcess({ DATABASE_URL: url.toString(), BACKUP_DIR: dir, USER: undefined, LOGNAME: undefined, PGUSER: undefined });
  });
  afterAll(async () => {
    await api?.stop();
    await removeFolder(dir);
    await database.drop();
  });

  it('logs in as the OS user, with pg (the notes) and with pg_dump (a backup) alike', async () => {
    const notes = await fetch(`${api.url}/notes`);
    const backup = await fetch(`${api.url}/db-backup`, { method: 'POST' });

    expect([notes.status, await notes.json()]).toEqual([200, { notes: [] }]);
    expect(backup.status).toBe(201);
  });
});

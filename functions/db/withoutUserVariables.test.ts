import { expect, it } from '@jest/globals';
import { apiWithDatabase } from '../../test/support/apiWithDatabase.js';
import { describeWithPostgres } from '../../test/support/postgres.js';

describeWithPostgres('the API with a DATABASE_URL naming no user, run where USER and LOGNAME are unset (cron, systemd, env -i)', () => {
  // The OS user (as libpq would take it) must be a role of the test server, as root and postgres are here.
  const setup = apiWithDatabase((databaseUrl) => {
    const url = new URL(databaseUrl);
    url.username = '';
    url.password = '';
    return { DATABASE_URL: url.toString(), USER: undefined, LOGNAME: undefined, PGUSER: undefined };
  });

  it('logs in as the OS user, with pg (the notes) and with pg_dump (a backup) alike', async () => {
    const notes = await fetch(`${setup.api.url}/notes`);
    const backup = await fetch(`${setup.api.url}/db-backup`, { method: 'POST' });

    expect([notes.status, await notes.json()]).toEqual([200, { notes: [] }]);
    expect(backup.status).toBe(201);
  });
});

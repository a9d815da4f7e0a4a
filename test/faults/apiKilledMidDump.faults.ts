import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { statusFile } from '../../functions/backup/folder/BackupStatus.js';
import { migrate } from '../../functions/db/migrate.js';
import { databaseConnection } from '../../functions/db/databaseConnection.js';
import { startApiProcess } from '../support/apiProcess.js';
import { createTestDatabase } from '../support/postgres.js';
import { namesIn, removeFolder, tempFolder } from '../support/tempFolder.js';

/** The pg_dump processes dumping `database` right now, read from /proc. */
function pgDumpsOf(database: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && cmdline.some((arg) => arg.endsWith('pg_dump')) && cmdline.some((arg) => arg.includes(database)))
        found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('the API SIGKILLed while pg_dump runs, with a second instance sharing the folder', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let locker: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    dir = await tempFolder('notes-killed-');
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker.end().catch(() => undefined);
    await removeFolder(dir);
    await database.drop();
  });

  it('leaves no pg_dump behind, and the next instance takes the stale lock over, removes the partial file and backs up; never two dumps at once', async () => {
    // A table locked by another session holds pg_dump up: the dump is running when the API dies.
    await locker.query('begin; lock table notes in access exclusive mode');
    let mostDumpsAtOnce = 0;
    const sampler = setInterval(() => (mostDumpsAtOnce = Math.max(mostDumpsAtOnce, pgDumpsOf(database.name).length)), 25);
    try {
      const first = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir, BACKUP_LOCK_WAIT_TIMEOUT_MS: '120000' });
      void fetch(`${first.url}/db-backup`, { method: 'POST' }).catch(() => undefined);
      await waitFor(
        async () => (await namesIn(dir)).some((name) => name.endsWith('.partial')) && pgDumpsOf(database.name).length === 1,
        20_000,
        'pg_dump running',
      );
      const partial = (await namesIn(dir)).find((name) => name.endsWith('.partial'))!;

      process.kill(first.pid, 'SIGKILL');

      // The parent-death signal ends pg_dump with the API: no orphan keeps dumping.
      await waitFor(() => pgDumpsOf(database.name).length === 0, 5_000, 'pg_dump ended with its API');
      const second = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir, BACKUP_LOCK_WAIT_TIMEOUT_MS: '120000' });
      try {
        // The lock is not stale yet: a request that may not wait is refused.
        expect((await fetch(`${second.url}/db-backup?wait=0`, { method: 'POST' })).status).toBe(409);
        await locker.query('commit');
        // One that waits gets the backup once the dead holder's lock is taken over (20 s, then 11 s watched).
        const status = (await fetch(`${second.url}/db-backup?wait=60`, { method: 'POST' })).status;

        expect(status).toBe(201);
        const names = await namesIn(dir);
        expect(names).not.toContain(partial);
        expect(names.filter((name) => name.endsWith('.partial'))).toEqual([]);
        expect(names.filter((name) => name.endsWith('.sql'))).toHaveLength(1);
        const log = second.logs();
        expect(log).toContain('"event":"lock.stale_taken_over"');
        expect(log).toContain(`"event":"lock.leftover_dump_removed","removed":["${partial}"],"stopped":[]`);
        expect(mostDumpsAtOnce).toBe(1);
        expect(await readFile(join(dir, statusFile(database.name)), 'utf8')).toContain('"ok":true');
      } finally {
        await second.stop();
      }
    } finally {
      clearInterval(sampler);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DATABASE_PATHS, type DatabaseUnderTest } from '../../test/support/databasePaths.js';
import { capturingLogger, comparableDump, instantService, originOf } from '../../test/support/instantBackups.js';
import { removeFolder, tempFolder } from '../../test/support/tempFolder.js';

const server = DATABASE_PATHS.find((path) => path.name.startsWith('PostgreSQL'))!;
const unavailable = server.unavailable();
const describeOnServer = unavailable && process.env.CI !== 'true' ? describe.skip : describe;

/** Runs `sql` on a connection of its own; undefined when the server does not answer (it is restarting). */
async function queryOnce(url: string, sql: string): Promise<pg.QueryResult | undefined> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.query(sql);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A server process that dies (killed, out of memory) makes PostgreSQL reinitialize and run crash
 * recovery, which empties every unlogged table: the database changed, yet no transaction ended (the
 * transaction counter stays) and the postmaster is the same. The next backup must be a real dump.
 */
describeOnServer(`instant backups after a crash recovery [${server.name}]`, () => {
  let db: DatabaseUnderTest;
  let dir: string;

  beforeAll(async () => {
    db = await server.create({ prefix: 'at24_crash', ownServer: true });
    dir = await tempFolder('at24-crash-');
    await queryOnce(db.url, `create unlogged table at24_cache (label text); insert into at24_cache values ('kept in memory')`);
    // Every sequence's page written out: crash recovery replays no sequence record (which would move it 32 ahead).
    await queryOnce(db.url, 'checkpoint');
  });
  afterAll(async () => {
    await removeFolder(dir);
    await db?.close();
  });

  it('an unlogged table emptied by crash recovery: the next backup is a real dump, without its rows', async () => {
    const heard = capturingLogger();
    const service = instantService(db, dir, { logger: heard.logger });
    const before = (await service.rotateThenBackUp()).backup;
    expect((await originOf(dir, before.file))?.fingerprint).toBeDefined();
    expect((await comparableDump(before.path)).join('\n')).toContain('kept in memory');
    const victim = new pg.Client({ connectionString: db.url });
    victim.on('error', () => undefined);
    await victim.connect();
    const pid = Number((await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid);

    process.kill(pid, 'SIGKILL');
    let rows: pg.QueryResult | undefined;
    for (let attempt = 0; attempt < 300 && rows === undefined; attempt++) {
      rows = await queryOnce(db.url, 'select count(*)::int as count from at24_cache');
      if (rows === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await victim.end().catch(() => undefined);
    expect(rows?.rows).toEqual([{ count: 0 }]);
    const next = (await service.rotateThenBackUp()).backup;

    expect(next.unchangedSince).toBeUndefined();
    expect(
      heard.events.find((event) => event.event === 'backup.dumping' && /unlogged tables/.test(String(event.fields?.reason))),
    ).toBeDefined();
    expect((await comparableDump(next.path)).join('\n')).not.toContain('kept in memory');
  });
});

/**
 * A backup of the embedded database while an app connection holds a transaction open (the socket
 * server runs each client's transaction alone, but the dump uses PGlite's session directly): the
 * dump waits for the transaction, which commits with its writes, and then holds them.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import pg from 'pg';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { dumpPglite } from './dumpPglite.js';
import { EmbeddedDatabase } from './EmbeddedDatabase.js';
import { createTemplate } from './pgliteTemplate.js';

describe('the embedded dump beside an open transaction (real PGlite, its socket server, the WASM pg_dump)', () => {
  let folder: string;
  let database: EmbeddedDatabase;
  let client: pg.Client;
  beforeEach(async () => {
    folder = await tempFolder('notes-dump-beside-');
    await createTemplate();
    database = await EmbeddedDatabase.start(join(folder, 'pglite'));
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('create table kept (note text)');
  });
  afterEach(async () => {
    await client.end().catch(() => undefined);
    await database.close();
    await removeFolder(folder);
  });

  it('waits for the transaction: its COMMIT keeps the row, and the dump holds it', async () => {
    await client.query('begin');
    await client.query("insert into kept values ('written inside the transaction')");
    let dumped = false;
    const dumping = dumpPglite(database.db).then((dump) => {
      dumped = true;
      return dump;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dumped).toBe(false);

    await client.query('commit');
    const dump = (await dumping).toString('utf8');

    expect((await client.query('select note from kept')).rows).toEqual([{ note: 'written inside the transaction' }]);
    expect(dump).toContain('written inside the transaction');
    // The session is the app's again: a new transaction works, and the search_path is back.
    await client.query('begin');
    await client.query("insert into kept values ('after')");
    await client.query('commit');
    expect((await client.query('select count(*)::int as n from kept')).rows).toEqual([{ n: 2 }]);
  });

  it('gives up on a transaction held open longer than its wait, saying so, and leaves it alone', async () => {
    await client.query('begin');
    await client.query("insert into kept values ('still open')");

    await expect(dumpPglite(database.db, [], 200)).rejects.toThrow(
      'a connection has held a transaction open on the embedded database for over 0.2 s; not dumping inside it',
    );
    await client.query('commit');
    expect((await client.query('select note from kept')).rows).toEqual([{ note: 'still open' }]);
  });
});

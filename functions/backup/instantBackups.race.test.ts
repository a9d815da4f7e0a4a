import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import {
  type DatabaseUnderTest,
  describeEachDatabasePath,
  describeOnDatabasePath,
  type DatabasePath,
} from '../../test/support/databasePaths.js';
import { connectedClient, instantService, originOf } from '../../test/support/instantBackups.js';
import { namesIn, removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { waitUntil } from '../../test/support/waitUntil.js';
import type { DumpSource } from './dump/DumpSource.js';
import { BackupFolder } from './folder/BackupFolder.js';

let markers = 0;
/** A row's text no other test wrote: what a backup holds or not. */
const newMarker = () => `committed during the backup ${++markers}`;

/** One database of `path` with a table to lock and another to write, and a backup folder per test. */
function raceFixture(path: DatabasePath) {
  const fixture = {} as { db: DatabaseUnderTest; clients: pg.Client[]; dir: string; connect(): Promise<pg.Client> };
  beforeAll(async () => {
    fixture.db = await path.create({ prefix: 'it24_race', ownServer: true });
    fixture.clients = [];
    fixture.connect = async () => {
      const client = await connectedClient(fixture.db.url);
      fixture.clients.push(client);
      return client;
    };
    const app = await fixture.connect();
    await app.query('create table it24_locked (id int); create table it24_other (label text)');
  });
  afterAll(async () => {
    for (const client of fixture.clients ?? []) await client.end();
    await fixture.db?.close();
  });
  beforeEach(async () => {
    fixture.dir = await tempFolder('it24-race-');
  });
  afterEach(() => removeFolder(fixture.dir));
  return fixture;
}

const holds = async (backup: { path: string }, marker: string) => (await readFile(backup.path, 'utf8')).includes(marker);

describeOnDatabasePath('PostgreSQL', 'the race: a commit while pg_dump waits, after its snapshot', (path) => {
  const fixture = raceFixture(path);

  it('is not in that backup, which records no fingerprint; the next backup is a real dump that holds it', async () => {
    const { db, dir } = fixture;
    const marker = newMarker();
    const [holder, writer, watcher] = [await fixture.connect(), await fixture.connect(), await fixture.connect()];
    const service = instantService(db, dir);
    // LOCK TABLE assigns no transaction id: the fingerprint read before the dump shows nothing running.
    await holder.query('begin');
    await holder.query('lock table it24_locked in access exclusive mode');

    const running = service.rotateThenBackUp();
    await waitUntil(
      async () =>
        (
          await watcher.query(
            `select 1 from pg_stat_activity where datname = current_database() and application_name = 'pg_dump' and wait_event_type = 'Lock'`,
          )
        ).rowCount === 1,
      'pg_dump waits for the lock on it24_locked',
      { timeoutMs: 20_000 },
    );
    await writer.query(`insert into it24_other (label) values ('${marker}')`);
    await holder.query('rollback');
    const during = (await running).backup;

    expect(during.unchangedSince).toBeUndefined();
    expect(await holds(during, marker)).toBe(false);
    expect((await originOf(dir, during.file))?.fingerprint).toBeUndefined();
    const next = (await service.rotateThenBackUp()).backup;
    expect(next.unchangedSince).toBeUndefined();
    expect(await holds(next, marker)).toBe(true);
  });
});

describeOnDatabasePath('embedded', 'the race on the embedded database: a transaction open over the socket', (path) => {
  const fixture = raceFixture(path);

  it('held open as the backup starts and committed while it waits: in that backup, and so in the next', async () => {
    const { db, dir } = fixture;
    const marker = newMarker();
    const writer = await fixture.connect();
    const service = instantService(db, dir);
    await writer.query('begin');
    await writer.query(`insert into it24_other (label) values ('${marker}')`);

    // The fingerprint's read waits for the socket, the dump for no open transaction.
    const running = service.rotateThenBackUp();
    await writer.query('commit');
    const first = (await running).backup;

    expect(await holds(first, marker)).toBe(true);
    expect(await holds((await service.rotateThenBackUp()).backup, marker)).toBe(true);
  });

  it('opened after the fingerprint was read and committed while the dump waits (a source that does so): no fingerprint recorded; the next backup is a real dump that holds it', async () => {
    const { db, dir } = fixture;
    const marker = newMarker();
    const writer = await fixture.connect();
    let commitDuringDump = true;
    const source: DumpSource = {
      name: db.source.name,
      prepare: () => db.source.prepare(),
      fingerprint: () => db.source.fingerprint!(),
      dumpShape: () => db.source.dumpShape!(),
      async dumpTo(target, options) {
        if (!commitDuringDump) return db.source.dumpTo(target, options);
        commitDuringDump = false;
        await writer.query('begin');
        await writer.query(`insert into it24_other (label) values ('${marker}')`);
        const dumped = db.source.dumpTo(target, options);
        await writer.query('commit');
        await dumped;
      },
    };
    const service = instantService(db, dir, { source });

    const first = (await service.rotateThenBackUp()).backup;

    expect(commitDuringDump).toBe(false);
    expect((await originOf(dir, first.file))?.fingerprint).toBeUndefined();
    const next = (await service.rotateThenBackUp()).backup;
    expect(next.unchangedSince).toBeUndefined();
    expect(await holds(next, marker)).toBe(true);
  });
});

describeEachDatabasePath('instant backups and coalesced requests', (path) => {
  const fixture = raceFixture(path);

  it('two requests at once while nothing changed: both answered, at most one new backup per run, each made from the one before', async () => {
    const { db, dir } = fixture;
    const service = instantService(db, dir);
    const dumped = (await service.rotateThenBackUp()).backup;

    const results = await Promise.all([service.rotateThenBackUp({ waitMs: 30_000 }), service.rotateThenBackUp({ waitMs: 30_000 })]);

    const made = (await namesIn(dir)).filter((file) => file !== dumped.file);
    const runs = results.filter((result) => !result.coalesced).map((result) => result.backup.file);
    expect(made).toEqual([...new Set(runs)].sort());
    expect(made).toEqual([...new Set(results.map((result) => result.backup.file))].sort());
    for (const { backup } of results) {
      expect(backup.unchangedSince).toMatch(/\.sql$/);
      expect(backup.sha256).toBe(dumped.sha256);
    }
  });

  it.each([
    ['a full request (full: true) is not answered by it: its own run makes a real dump', true],
    ['a plain request is answered by it (coalesced)', false],
  ])('a request arriving while an instant backup is being made: %s', async (_what, full) => {
    const { db, dir } = fixture;
    const dumped = (await instantService(db, dir).rotateThenBackUp()).backup;
    // The first run holds the folder, its backup not begun, until the second request has arrived.
    let entered!: () => void;
    let open!: () => void;
    const inPreflight = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held: DumpSource = {
      name: db.source.name,
      prepare: async () => {
        entered();
        await gate;
        return db.source.prepare();
      },
      fingerprint: () => db.source.fingerprint!(),
      dumpShape: () => db.source.dumpShape!(),
      dumpTo: (target, options) => db.source.dumpTo(target, options),
    };
    const laterFolder = new BackupFolder(dir);
    const readGeneration = laterFolder.generation.current.bind(laterFolder.generation);
    let arrived = false;
    laterFolder.generation.current = async () => {
      const generation = await readGeneration();
      arrived = true;
      return generation;
    };

    const first = instantService(db, dir, { source: held }).rotateThenBackUp();
    await inPreflight;
    const later = instantService(db, dir, { folder: laterFolder }).rotateThenBackUp({ full, waitMs: 30_000 });
    await waitUntil(() => arrived, 'the second request has arrived');
    open();
    const [instant, answer] = await Promise.all([first, later]);

    expect(instant.backup.unchangedSince).toBe(dumped.file);
    if (full) {
      expect(answer.coalesced).toBeUndefined();
      expect(answer.backup.unchangedSince).toBeUndefined();
      expect((await originOf(dir, answer.backup.file))?.madeFrom).toBeUndefined();
      expect(await namesIn(dir)).toEqual([dumped.file, instant.backup.file, answer.backup.file].sort());
    } else {
      expect(answer).toMatchObject({ coalesced: true, backup: { file: instant.backup.file, unchangedSince: dumped.file } });
      expect(await namesIn(dir)).toEqual([dumped.file, instant.backup.file].sort());
    }
  });
});

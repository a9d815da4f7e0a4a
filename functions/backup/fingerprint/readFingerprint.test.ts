import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Writable } from 'node:stream';
import pg from 'pg';
import { DATABASE_PATHS, type DatabaseUnderTest, describeEachDatabasePath } from '../../../test/support/databasePaths.js';
import { queryRows } from '../../../test/support/queryRows.js';
import type { DumpSource } from '../dump/DumpSource.js';
import { compareFingerprints, sameState } from './compareFingerprints.js';
import { transactionsInProgress } from './DatabaseFingerprint.js';
import { dumpProofGap, provesDump } from './provesDump.js';
import { readFingerprint } from './readFingerprint.js';

/**
 * The fingerprint's promise, on both database paths: whatever changes the dump changes the
 * fingerprint (each row is checked against two real dumps, so a row that does not change the dump
 * fails too), and reads change neither. `app` is the notes app's connection, `backup` the one that
 * reads fingerprints; on the embedded path both reach PGlite's one session through its socket.
 */
describeEachDatabasePath('the database fingerprint', (path) => {
  let db: DatabaseUnderTest;
  let app: pg.Client;
  let backup: pg.Client;
  const fingerprint = () => readFingerprint(backup);
  const run = async (statements: string[]) => {
    for (const statement of statements) await app.query(statement);
  };

  beforeAll(async () => {
    // A server of its own (the transaction counter is cluster-wide: other suites would move it).
    db = await path.create({ ownServer: true });
    app = await connected(db.url);
    backup = await connected(db.url);
    await run([
      'create table fp_items (id serial primary key, label text)',
      `insert into fp_items (label) values ('first'), ('second')`,
      'create unlogged table fp_scratch (id int)',
      'create sequence fp_counter',
      `select nextval('fp_counter')`,
      'create sequence fp_cached cache 32',
      `select nextval('fp_cached')`,
    ]);
  });
  afterAll(async () => {
    await app?.end();
    await backup?.end();
    await db?.close();
  });

  const changes: [string, string[], RegExp][] = [
    ['an insert', [`insert into fp_items (label) values ('third')`], /^nextXid moved/],
    ['an update', [`update fp_items set label = 'renamed' where label = 'first'`], /^nextXid moved/],
    ['a delete', [`delete from fp_items where label = 'second'`], /^nextXid moved/],
    ['a table created', ['create table fp_more (id int)'], /^nextXid moved/],
    ['a table altered', ['alter table fp_items add column note text'], /^nextXid moved/],
    ['nextval inside the logged batch (no transaction id)', [`select nextval('fp_counter')`], /^sequence public\.fp_counter 1 → 2$/],
    ['a rolled-back insert', ['begin', `insert into fp_items (label) values ('gone')`, 'rollback'], /^nextXid moved/],
    ['a write to an unlogged table', ['insert into fp_scratch values (1)'], /^nextXid moved/],
    ['a large object', [`select lo_from_bytea(0, '\\x0102')`], /^nextXid moved/],
    ['a comment', [`comment on table fp_items is 'watched'`], /^nextXid moved/],
    ['a grant', ['grant select on fp_items to public'], /^nextXid moved/],
    ['setval', [`select setval('fp_counter', 100)`], /nextXid moved|sequence public\.fp_counter/],
  ];

  it.each(changes)('%s changes the dump and the fingerprint', async (_change, statements, firstReason) => {
    const before = await fingerprint();
    const dumpBefore = await dump(db.source);

    await run(statements);

    const after = await fingerprint();
    expect(comparableDump(await dump(db.source))).not.toEqual(comparableDump(dumpBefore));
    expect(compareFingerprints(before, after)[0]).toMatch(firstReason);
    expect(provesDump(before, after)).toBe(false);
  });

  const reads: [string, string[]][] = [
    ['selects, several times', ['select * from fp_items', 'select count(*) from notes', 'select * from fp_items order by label']],
    // (SELECT … FOR SHARE is not among them: locking a row assigns a transaction id, a spurious change.)
    ['a transaction that only reads', ['begin', 'select * from fp_items', 'commit']],
    ['nextval served from the session cache (cache 32)', [`select nextval('fp_cached')`]],
  ];

  it.each(reads)('%s: the dump and the fingerprint stay the same', async (_read, statements) => {
    const before = await fingerprint();
    const dumpBefore = await dump(db.source);

    await run(statements);
    await run(statements);

    const after = await fingerprint();
    expect(comparableDump(await dump(db.source))).toEqual(comparableDump(dumpBefore));
    expect(compareFingerprints(before, after)).toEqual([]);
  });

  it('a random run of changes and reads between two fingerprints: the same exactly when all were reads', async () => {
    let made = 0;
    let granted = false;
    /** Each operation: whether it changes the dump (the table above checks each kind against real dumps), and its SQL. */
    const operations: [string, boolean, () => string[]][] = [
      ['insert', true, () => [`insert into fp_items (label) values ('more')`]],
      ['update', true, () => [`update fp_items set label = label || '.' where id = (select min(id) from fp_items)`]],
      ['delete', true, () => [`delete from fp_items where id = (select max(id) from fp_items)`]],
      ['create table', true, () => [`create table fp_made_${++made} (id int)`]],
      ['alter table', true, () => [`alter table fp_items add column c${++made} int`]],
      ['nextval', true, () => [`select nextval('fp_counter')`]],
      ['rolled-back insert', true, () => ['begin', `insert into fp_items (label) values ('gone')`, 'rollback']],
      ['unlogged write', true, () => ['insert into fp_scratch values (2)']],
      ['large object', true, () => [`select lo_from_bytea(0, '\\x03')`]],
      ['comment', true, () => [`comment on table fp_items is 'note ${++made}'`]],
      [
        'grant or revoke',
        true,
        () => [(granted = !granted) ? 'grant insert on fp_items to public' : 'revoke insert on fp_items from public'],
      ],
      ['setval', true, () => [`select setval('fp_counter', ${1000 + ++made})`]],
      ['select', false, () => ['select * from fp_items']],
      ['read-only transaction', false, () => ['begin', 'select count(*) from fp_items', 'commit']],
    ];
    await run([`insert into fp_items (label) select 'row ' || n from generate_series(1, 200) as n`]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...operations), { maxLength: 4 }), async (chosen) => {
        const before = await fingerprint();

        for (const [, , statements] of chosen) await run(statements());

        const after = await fingerprint();
        expect(sameState(before, after)).toBe(chosen.every(([, changes]) => !changes));
      }),
      { numRuns: 20 },
    );
  });

  it('a dump between two fingerprints leaves them the same, so it is proved', async () => {
    const before = await fingerprint();

    await dump(db.source);

    const after = await fingerprint();
    expect(dumpProofGap(before, after)).toBeUndefined();
  });

  it('a transaction that commits between before and after: not proved', async () => {
    const before = await fingerprint();

    await run([`insert into fp_items (label) values ('during the dump')`]);

    const after = await fingerprint();
    expect(dumpProofGap(before, after)).toMatch(/^changed during the dump: nextXid moved/);
  });
});

/** Only where the path has the thing tested: PGlite has one session, its superuser's. */
function describeOnPath(prefix: string, title: string, body: (database: () => DatabaseUnderTest) => void): void {
  const path = DATABASE_PATHS.find((candidate) => candidate.name.startsWith(prefix))!;
  const reason = path.unavailable();
  // As describeEachDatabasePath: skipped with a message where the path cannot run, never in CI.
  if (reason && process.env.CI !== 'true') process.stderr.write(`SKIPPED "${title}": ${reason}\n`);
  (reason && process.env.CI !== 'true' ? describe.skip : describe)(`${title} [${path.name}]`, () => {
    let db: DatabaseUnderTest;
    beforeAll(async () => {
      // A server of its own (the transaction counter is cluster-wide: other suites would move it).
      db = await path.create({ ownServer: true });
    });
    afterAll(async () => db?.close());
    body(() => db);
  });
}

describeOnPath('PostgreSQL', 'the fingerprint and other sessions', (database) => {
  it('a write transaction held open is in progress, even as the newest transaction (which the snapshot does not list): not proved', async () => {
    const db = database();
    const writer = await connected(db.url);
    const backup = await connected(db.url);
    try {
      await writer.query('begin');
      await writer.query(`insert into notes (title) values ('held open')`);

      const before = await readFingerprint(backup);
      const after = await readFingerprint(backup);

      expect(transactionsInProgress(before)).toMatch(/transaction/);
      expect(dumpProofGap(before, after)).toMatch(/^before the dump: /);
      await writer.query('commit');
      expect(compareFingerprints(before, await readFingerprint(backup))).toContainEqual(expect.stringMatching(/^nextXid moved/));
    } finally {
      await writer.end();
      await backup.end();
    }
  });

  it('a sequence the reader may not read makes the fingerprint uncertain, and never the same', async () => {
    const db = database();
    const run = async (statements: string[]) => {
      for (const statement of statements) await queryRows(db.url, statement);
    };
    await run(['create role fp_reader login', 'create sequence fp_private', 'revoke all on sequence fp_private from public']);
    const reader = await connected(db.url.replace('postgres@', 'fp_reader@'));
    try {
      const seen = await readFingerprint(reader);

      expect(seen.uncertain).toContain('sequence public.fp_private is not readable');
      expect(compareFingerprints(seen, seen)).toContain('uncertain: sequence public.fp_private is not readable');
    } finally {
      await reader.end();
      await run(['drop sequence fp_private', 'drop role fp_reader']);
    }
  });
});

describeOnPath('embedded', 'the fingerprint and a transaction held open on another socket client', (database) => {
  it('a fingerprint asked for meanwhile is read after it ends, never inside it', async () => {
    const db = database();
    const writer = await connected(db.url);
    const backup = await connected(db.url);
    try {
      const before = await readFingerprint(backup);
      await writer.query('begin');
      await writer.query(`insert into notes (title) values ('held open')`);

      const asked = readFingerprint(backup);
      await writer.query('select 1');
      await writer.query('commit');
      const read = await asked;

      // Read inside the open transaction, nextXid would still equal before's.
      expect(compareFingerprints(before, read)).toContainEqual(expect.stringMatching(/^nextXid moved/));
      expect(transactionsInProgress(read)).toBeUndefined();
    } finally {
      await writer.end();
      await backup.end();
    }
  });
});

async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** A whole dump, as bytes. */
async function dump(source: DumpSource): Promise<Buffer> {
  await source.prepare();
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await source.dumpTo(sink);
  return Buffer.concat(chunks);
}

/** A dump without pg_dump's random `\restrict` key lines, which differ between any two dumps. */
function comparableDump(bytes: Buffer): string[] {
  return bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => !line.startsWith('\\restrict') && !line.startsWith('\\unrestrict'));
}

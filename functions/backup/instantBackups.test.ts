import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { open, readFile, utimes } from 'node:fs/promises';
import { basename } from 'node:path';
import type pg from 'pg';
import { type DatabaseUnderTest, describeEachDatabasePath } from '../../test/support/databasePaths.js';
import {
  capturingLogger,
  damageBeneathTheFilesystem,
  comparableDump,
  connectedClient,
  instantService,
  movableClock,
  originOf,
} from '../../test/support/instantBackups.js';
import { namesIn, removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { databaseConnection } from '../db/databaseConnection.js';
import { BackupFolder } from './folder/BackupFolder.js';
import { PgliteScratch } from './verify/PgliteScratch.js';
import { ServerScratch } from './verify/ServerScratch.js';
import { verifyBackup } from './verify/verifyBackup.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Instant backups through BackupService.rotateThenBackUp on both database paths (issue #24): every
 * kind of change after a backup makes the next one a real dump with other content; reads alone make
 * backups from the previous file that restore to the same data; BACKUP_FULL_EVERY, `full` and a
 * damaged previous backup make real dumps.
 */
describeEachDatabasePath('instant backups', (path) => {
  let db: DatabaseUnderTest;
  let app: pg.Client;
  let dir: string;
  const run = async (statements: string[]) => {
    for (const statement of statements) await app.query(statement);
  };

  beforeAll(async () => {
    db = await path.create({ prefix: 'it24_main', ownServer: true });
    app = await connectedClient(db.url);
    await run([
      'create table it24_items (id serial primary key, label text)',
      `insert into it24_items (label) values ('first'), ('second')`,
      'create unlogged table it24_scratch (id int)',
      // Its first nextval logs a batch of 32 ahead: the next ones write no WAL and take no transaction id.
      'create sequence it24_counter',
      `select nextval('it24_counter')`,
      'create sequence it24_cached cache 32',
      `select nextval('it24_cached')`,
    ]);
  });
  afterAll(async () => {
    await app?.end();
    await db?.close();
  });
  beforeEach(async () => {
    dir = await tempFolder('it24-instant-');
  });
  afterEach(() => removeFolder(dir));
  /** `db-backup verify` of `backupPath`, which must fail, its failure recorded as the command records it. */
  const failVerify = async (backupPath: string) => {
    const scratch = path.name.startsWith('embedded')
      ? new PgliteScratch()
      : new ServerScratch(databaseConnection({ DATABASE_URL: db.url }));
    const folder = new BackupFolder(dir);
    const verified = await verifyBackup(backupPath, folder.manifest, scratch);
    expect(verified.ok).toBe(false);
    await folder.manifest.recordVerification(basename(backupPath), { at: verified.at, ok: false, problems: verified.problems });
  };

  const changes: [string, string[]][] = [
    ['an insert', [`insert into it24_items (label) values ('third')`]],
    ['an update', [`update it24_items set label = 'renamed' where label = 'first'`]],
    ['a delete', [`delete from it24_items where label = 'second'`]],
    ['a table created (DDL)', ['create table it24_more (id int)']],
    ['a table altered (DDL)', ['alter table it24_items add column note text']],
    ['nextval inside the logged batch, no other write', [`select nextval('it24_counter')`]],
    ['a rolled-back insert', ['begin', `insert into it24_items (label) values ('gone')`, 'rollback']],
    ["an unlogged table's write", ['insert into it24_scratch values (1)']],
    ['a large object', [`select lo_from_bytea(0, '\\x0102')`]],
    ['a comment', [`comment on table it24_items is 'watched'`]],
    ['a grant', ['grant select on it24_items to public']],
    ['setval', [`select setval('it24_counter', 100)`]],
  ];

  it.each(changes)('%s after a backup: the next backup is a real dump, and its content differs', async (_change, statements) => {
    const service = instantService(db, dir);
    const previous = (await service.rotateThenBackUp()).backup;
    expect((await originOf(dir, previous.file))?.fingerprint).toBeDefined();

    await run(statements);
    const next = (await service.rotateThenBackUp()).backup;

    expect(next.unchangedSince).toBeUndefined();
    expect(await originOf(dir, next.file)).toMatchObject({ fingerprint: expect.anything() });
    expect((await originOf(dir, next.file))?.madeFrom).toBeUndefined();
    expect(await comparableDump(next.path)).not.toEqual(await comparableDump(previous.path));
  });

  it('nothing changed (reads only, several exits): each backup is made from the one before, and restores to the data of the last dump', async () => {
    const service = instantService(db, dir);
    const dumped = (await service.rotateThenBackUp()).backup;
    const reads = [
      'select * from it24_items',
      'begin',
      'select count(*) from notes',
      'commit',
      // Served from this session's cache of 32: the sequence's relation, which pg_dump reads, stays as it was.
      `select nextval('it24_cached')`,
    ];

    const made = [];
    for (let exit = 0; exit < 3; exit++) {
      await run(reads);
      made.push((await service.rotateThenBackUp()).backup);
    }

    expect(made.map((backup) => backup.unchangedSince)).toEqual([dumped.file, made[0]!.file, made[1]!.file]);
    expect(made.map((backup) => backup.sha256)).toEqual([dumped.sha256, dumped.sha256, dumped.sha256]);
    expect(await namesIn(dir)).toEqual([dumped.file, ...made.map((backup) => backup.file)].sort());
    const last = made.at(-1)!;
    expect(await originOf(dir, last.file)).toEqual({ ...(await originOf(dir, dumped.file)), madeFrom: made[1]!.file });
    expect(await readFile(last.path)).toEqual(await readFile(dumped.path));
    // Restored into a scratch database and dumped again: the dump's bytes (the same as the database's rows, which only reads touched).
    const scratch = path.name.startsWith('embedded')
      ? new PgliteScratch()
      : new ServerScratch(databaseConnection({ DATABASE_URL: db.url }));
    const verified = await verifyBackup(last.path, new BackupFolder(dir).manifest, scratch);
    expect(verified).toMatchObject({ ok: true, problems: [], proved: 'everything' });
    const rows = Object.values(dumped.contents.rows).reduce((sum, count) => sum + count, 0);
    expect(verified.restored).toEqual({
      tables: Object.keys(dumped.contents.rows).length,
      rows,
      largeObjects: dumped.contents.largeObjects,
    });
  });

  /** Each row: the service's BACKUP_FULL_EVERY; where the clock stands for a backup that is still instant (none: no such time); then for the one that must dump. */
  const fullDumps: [string, { fullEveryMs?: number; instantAt?: number; dumpAt: number; full?: boolean }][] = [
    ['BACKUP_FULL_EVERY (24 h by default) elapsed since the dump', { instantAt: 23 * HOUR, dumpAt: 25 * HOUR }],
    ['BACKUP_FULL_EVERY 30m elapsed since the dump', { fullEveryMs: 30 * MINUTE, instantAt: 29 * MINUTE, dumpAt: 31 * MINUTE }],
    ['a full backup asked for (full: true)', { instantAt: MINUTE, dumpAt: 2 * MINUTE, full: true }],
    ['BACKUP_FULL_EVERY 0 (the next backup)', { fullEveryMs: 0, dumpAt: MINUTE }],
    ['BACKUP_FULL_EVERY 0 (the one after)', { fullEveryMs: 0, dumpAt: 2 * MINUTE }],
  ];

  it.each(fullDumps)('%s: a real dump although nothing changed', async (_when, { fullEveryMs, instantAt, dumpAt, full }) => {
    const time = movableClock();
    const service = instantService(db, dir, { clock: time.clock, ...(fullEveryMs === undefined ? {} : { fullEveryMs }) });
    const dumped = (await service.rotateThenBackUp()).backup;
    let newest = dumped;
    if (instantAt !== undefined) {
      time.moveTo(instantAt);
      newest = (await service.rotateThenBackUp()).backup;
      expect(newest.unchangedSince).toBe(dumped.file);
    } else if (dumpAt > MINUTE) {
      time.moveTo(MINUTE);
      newest = (await service.rotateThenBackUp()).backup;
      expect(newest.unchangedSince).toBeUndefined();
    }

    time.moveTo(dumpAt);
    const next = (await service.rotateThenBackUp({ full: full === true })).backup;

    expect(next.unchangedSince).toBeUndefined();
    const origin = await originOf(dir, next.file);
    expect(origin?.madeFrom).toBeUndefined();
    expect(origin?.dumpedAtMs).toBeGreaterThan((await originOf(dir, newest.file))!.dumpedAtMs);
    expect(await comparableDump(next.path)).toEqual(await comparableDump(dumped.path));
  });

  it('the previous backup damaged (one byte changed, its size kept): a real dump, the damaged file untouched, an error logged', async () => {
    const heard = capturingLogger();
    const service = instantService(db, dir, { logger: heard.logger });
    const damaged = (await service.rotateThenBackUp()).backup;
    const handle = await open(damaged.path, 'r+');
    const middle = Math.floor(damaged.bytes / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, middle);
    byte[0] = byte[0]! ^ 0x20;
    await handle.write(byte, 0, 1, middle);
    await handle.close();
    const damagedBytes = await readFile(damaged.path);

    const next = (await service.rotateThenBackUp()).backup;

    expect(next.unchangedSince).toBeUndefined();
    expect(next.previousDamaged).toBe(damaged.file);
    expect((await originOf(dir, next.file))?.madeFrom).toBeUndefined();
    expect(await readFile(damaged.path)).toEqual(damagedBytes);
    expect(await namesIn(dir)).toEqual([damaged.file, next.file].sort());
    expect(heard.events.filter((event) => event.level === 'error')).toEqual([
      {
        level: 'error',
        event: 'backup.previous_damaged',
        fields: expect.objectContaining({ file: damaged.file, recorded: damaged.sha256 }),
      },
    ]);
    // The new dump is whole: the backup after it is made from it.
    const after = (await service.rotateThenBackUp()).backup;
    expect({ unchangedSince: after.unchangedSince, previousDamaged: after.previousDamaged }).toEqual({
      unchangedSince: next.file,
      previousDamaged: undefined,
    });
  });

  it('a file touched since it was hashed (its time moved, its bytes the same) is read back, still matches, and is made from again', async () => {
    const heard = capturingLogger();
    const service = instantService(db, dir, { logger: heard.logger });
    const dumped = (await service.rotateThenBackUp()).backup;
    const rereads = () => heard.events.filter((event) => event.event === 'backup.created').map((event) => event.fields?.reread);

    const untouched = (await service.rotateThenBackUp()).backup;
    await utimes(dumped.path, new Date(), new Date());
    const touched = (await service.rotateThenBackUp()).backup;
    const after = (await service.rotateThenBackUp()).backup;

    expect([untouched, touched, after].map((backup) => backup.sha256)).toEqual([dumped.sha256, dumped.sha256, dumped.sha256]);
    expect([untouched, touched, after].map((backup) => backup.unchangedSince)).toEqual([dumped.file, untouched.file, touched.file]);
    // The dump logs no reread; each backup made from it says whether its bytes were read again.
    expect(rereads()).toEqual([undefined, false, true, false]);
  });

  it.each([
    ['the newest backup', false],
    ['a backup the newest is a name of (made from it)', true],
  ])(
    'damage beneath the filesystem (its stamp kept) is found by verify of %s, and that file is never made from again',
    async (_verified, linkFirst) => {
      const service = instantService(db, dir);
      const damaged = (await service.rotateThenBackUp()).backup;
      const newest = linkFirst ? (await service.rotateThenBackUp()).backup : damaged;
      expect(newest.unchangedSince).toBe(linkFirst ? damaged.file : undefined);
      await damageBeneathTheFilesystem(damaged.path);
      // `db-backup verify <that file>`: only that name's entry records the failure.
      await failVerify(damaged.path);

      const next = (await service.rotateThenBackUp()).backup;

      expect(next.unchangedSince).toBeUndefined();
      expect(next.sha256).not.toBe(damaged.sha256);
      expect((await readFile(next.path, 'utf8')).includes('-- rot')).toBe(false);
    },
  );
});

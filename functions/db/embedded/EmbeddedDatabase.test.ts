import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lambdaContext, restEvent } from '../../../test/support/events.js';
import { describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { startThrowAwayServer } from '../../../test/support/throwAwayServer.js';
import { createBackupStatusHandler } from '../../backup-status/handler.js';
import { BackupFolder } from '../../backup/folder/BackupFolder.js';
import { databaseOf } from '../../backup/retention/backupFileName.js';
import { loadConfig } from '../../config/loadConfig.js';
import { silentLogger } from '../../log/Logger.js';
import { wireParts } from '../../wiring/wireParts.js';
import { BACKUP_NAME_FILE } from './DataFolder.js';
import { EmbeddedDatabase } from './EmbeddedDatabase.js';
import { PgliteDumpSource } from './PgliteDumpSource.js';
import { copyTemplate, createTemplate } from './pgliteTemplate.js';

/** Every file under `dir` with its size and a hash of its bytes: equal snapshots, untouched files. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    files[path.slice(dir.length + 1)] = `${(await stat(path)).size} ${createHash('sha256').update(bytes).digest('hex')}`;
  }
  return files;
}

describe('the embedded database and its data folder (real PGlite)', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await tempFolder('h-embedded-data-');
    // npm ci made it (prepare); made here when the install skipped scripts.
    await createTemplate();
  });
  afterEach(() => removeFolder(folder));

  it.each([
    ['a file of the user', async (dataDir: string) => writeFile(join(dataDir, 'notes.txt'), 'mine\n')],
    [
      'a folder of files',
      async (dataDir: string) => mkdir(join(dataDir, 'photos')).then(() => writeFile(join(dataDir, 'photos', 'a.jpg'), 'jpg')),
    ],
    [
      'a database that lost its PG_VERSION',
      async (dataDir: string) => {
        await rm(dataDir, { recursive: true });
        await copyTemplate(dataDir);
        await rm(join(dataDir, 'PG_VERSION'));
      },
    ],
  ])(
    'refuses a non-empty folder without PG_VERSION holding %s, naming it and what to do, and touches none of its files',
    async (_what, fill) => {
      const dataDir = join(folder, 'pglite');
      await mkdir(dataDir);
      await fill(dataDir);
      const before = await snapshot(dataDir);

      await expect(EmbeddedDatabase.start(dataDir)).rejects.toThrow(
        `${dataDir} is not empty but holds no embedded database (no PG_VERSION file): it is left as it is, never initialised over. ` +
          'Move it away (an empty or missing folder gets a new database), or set NOTES_DATA_DIR to another folder',
      );

      expect(await snapshot(dataDir)).toEqual(before);
      expect(existsSync(`${dataDir}.pid`)).toBe(false);
    },
  );

  it.each([
    ['a missing folder', async () => undefined],
    ['an empty folder', async (dataDir: string) => mkdir(dataDir)],
  ])('takes %s: a new database with a name of its own (notes-<8 hex>), kept across starts', async (_what, prepare) => {
    const dataDir = join(folder, 'pglite');
    await prepare(dataDir);

    const first = await EmbeddedDatabase.start(dataDir);
    await first.close();
    const again = await EmbeddedDatabase.start(dataDir);
    await again.close();

    expect(first.backupName).toMatch(/^notes-[0-9a-f]{8}$/);
    expect(again.backupName).toBe(first.backupName);
    expect(await readFile(join(dataDir, BACKUP_NAME_FILE), 'utf8')).toBe(`${first.backupName}\n`);
  });

  it('gives two new data folders two names, though both are copies of one template', async () => {
    const names: string[] = [];
    for (const name of ['one', 'two']) {
      const database = await EmbeddedDatabase.start(join(folder, name));
      names.push(database.backupName);
      await database.close();
    }

    expect(names[0]).not.toBe(names[1]);
  });

  it('keeps the name notes for a data folder made before folders had names (PG_VERSION, no name file), and writes it down', async () => {
    const dataDir = join(folder, 'pglite');
    const legacy = await PGlite.create(dataDir);
    await legacy.exec("create table public.notes (title text); insert into public.notes values ('old')");
    await legacy.close();

    const database = await EmbeddedDatabase.start(dataDir);
    try {
      expect(database.backupName).toBe('notes');
      expect((await database.db.query('select title from public.notes')).rows).toEqual([{ title: 'old' }]);
    } finally {
      await database.close();
    }
    expect(await readFile(join(dataDir, BACKUP_NAME_FILE), 'utf8')).toBe('notes\n');
  });
});

describeWithPostgres('data folders and a server database "notes" sharing one backup folder', () => {
  it('keep each its own history: a rotation of one never moves or deletes the backups of another', async () => {
    const folder = await tempFolder('h-embedded-shared-');
    const server = await startThrowAwayServer();
    const embedded: EmbeddedDatabase[] = [];
    try {
      const backups = join(folder, 'backups');
      await mkdir(backups);
      await runSql('create database notes', server.url());
      await runSql("create table public.notes (title text); insert into public.notes values ('on the server')", server.url('notes'));
      for (const name of ['one', 'two']) embedded.push(await EmbeddedDatabase.start(join(folder, name)));
      // Two backups kept per database, the rest archived (and not yet deleted): every rotation has work.
      const config = (url: string) =>
        loadConfig({ DATABASE_URL: url, BACKUP_DIR: backups, BACKUP_KEEP_LAST: '2', BACKUP_KEEP_WEEKS: '0', BACKUP_KEEP_MONTHS: '0' });
      const apis = [
        ...embedded.map((database) =>
          wireParts({
            config: () => config(database.url),
            logger: silentLogger,
            dumpSource: new PgliteDumpSource(database.db, database.backupName),
          }),
        ),
        wireParts({ config: () => config(server.url('notes')), logger: silentLogger }),
      ];
      const names = [...embedded.map((database) => database.backupName), 'notes'];
      expect(new Set(names).size).toBe(3);
      const written = new Map<string, string[]>(names.map((name) => [name, []]));
      const filesOf = async (name: string) => {
        const all = await snapshot(backups);
        return Object.fromEntries(Object.entries(all).filter(([path]) => databaseOf(path) === name));
      };

      // Each run rotates before it writes: from the fourth on, a rotation archives.
      for (let round = 0; round < 4; round++) {
        for (const [index, api] of apis.entries()) {
          const others = await Promise.all(names.filter((_, other) => other !== index).map(filesOf));

          const { backup } = await api.service().rotateThenBackUp();

          written.get(names[index]!)!.push(backup.file);
          expect(await Promise.all(names.filter((_, other) => other !== index).map(filesOf))).toEqual(others);
        }
      }

      for (const [index, name] of names.entries()) {
        const [oldest, ...rest] = written.get(name)!;
        expect(Object.keys(await filesOf(name)).sort()).toEqual([BackupFolder.archivedName(oldest!), ...rest].sort());
        // GET /db-backups of each API lists its own backups, under its own name.
        const status = createBackupStatusHandler({ ...apis[index]!, logger: silentLogger });
        const answer = (await status(restEvent('GET', '/db-backups') as never, lambdaContext())) as APIGatewayProxyResult;
        const listing = JSON.parse(answer.body) as { database: string; kept: { file: string }[]; archived: string[] };
        expect(listing.database).toBe(name);
        expect(listing.kept.map((kept) => kept.file).sort()).toEqual(rest.slice(1).sort());
        expect(listing.archived).toEqual(rest.slice(0, 1));
        expect(existsSync(join(backups, `.db-backup-status-${name}.json`))).toBe(true);
      }
    } finally {
      for (const database of embedded) await database.close();
      await server.stop();
      await removeFolder(folder);
    }
  });
});

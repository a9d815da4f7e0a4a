import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, describeWithPostgres } from '../../test/support/postgres.js';
import { namesIn, removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { loadConfig } from '../config/loadConfig.js';
import type { AppError } from '../errors/AppError.js';
import { jsonLogger, silentLogger } from '../log/Logger.js';
import type { BackupService } from './BackupService.js';
import { createBackupService } from './createBackupService.js';
import { statusFile } from './folder/BackupStatus.js';
import { checkHealth } from './folder/checkHealth.js';
import { DatabaseNames } from './folder/DatabaseNames.js';
import { backupPrefix, formatBackupFileName, parseBackupFileName } from './retention/backupFileName.js';

const DAY = 24 * 3_600_000;

/** The service as production wires it (real pg_dump), its clock shifted by `offsetMs` (a VM resumed with a wrong clock). */
function serviceFor(url: string, dir: string, offsetMs = 0): BackupService {
  return createBackupService(
    loadConfig({ DATABASE_URL: url, BACKUP_DIR: dir }),
    silentLogger,
    undefined,
    () => new Date(Date.now() + offsetMs),
  );
}

/** A month of daily backups of `database`, ending yesterday: most of them due for the archive. */
async function monthOfBackups(dir: string, database: string): Promise<string[]> {
  const files = Array.from({ length: 30 }, (_, day) => formatBackupFileName(database, new Date(Date.now() - (day + 1) * DAY)));
  for (const file of files) await writeFile(join(dir, file), `-- ${file}\n`);
  return files.sort();
}

describeWithPostgres('BackupService on a bad day (real PostgreSQL and pg_dump)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let outside: string;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    dir = await tempFolder('notes-service-');
    outside = await tempFolder('notes-outside-');
    await writeFile(join(outside, 'victim.json'), '{"untouched":true}\n');
  });
  afterEach(async () => {
    await removeFolder(dir);
    await removeFolder(outside);
  });

  it.each([
    ['a year ahead of', 365 * DAY],
    ['a year behind', -365 * DAY],
    ['an hour ahead of', 3_600_000],
  ])(
    "when this process's clock is %s the database server's: backs up, archives and deletes nothing, and says why",
    async (_how, offsetMs) => {
      const existing = await monthOfBackups(dir, database.name);

      const result = await serviceFor(database.url, dir, offsetMs).rotateThenBackUp();

      expect(result.rotationProblem).toEqual({
        code: 'CLOCK_SKEW',
        message: expect.stringMatching(/^this API's clock .* nothing was archived or deleted$/),
      });
      // Named by the later clock: named by a clock running behind, the backup would look old once the
      // clock is right again, and be due for deletion at once.
      expect(parseBackupFileName(result.backup.file)!.takenAt.getTime()).toBeGreaterThanOrEqual(
        Date.now() + Math.max(0, offsetMs) - 60_000,
      );
      expect(await namesIn(dir)).toEqual([...existing, result.backup.file].sort());
      const health = await checkHealth(dir, database.name);
      expect(health).toMatchObject({
        healthy: true,
        degraded: true,
        warnings: [expect.stringMatching(/^the last rotation was not done: this API's clock/)],
      });
    },
  );

  it('rotates as usual when the clocks agree within the tolerance (a few seconds apart)', async () => {
    const existing = await monthOfBackups(dir, database.name);

    const result = await serviceFor(database.url, dir, 20_000).rotateThenBackUp();

    expect(result.rotationProblem).toBeUndefined();
    expect(result.rotation.archived.length).toBeGreaterThan(10);
    expect((await namesIn(join(dir, 'archive'))).length).toBe(result.rotation.archived.length);
    expect(existing.length).toBe(30);
  });

  it('leaves backups named in the future (a clock that ran ahead, since corrected) alone, and keeps the real ones', async () => {
    const future = Array.from({ length: 6 }, (_, i) => formatBackupFileName(database.name, new Date(Date.now() + (i + 1) * 30 * DAY)));
    for (const file of future) await writeFile(join(dir, file), `-- ${file}\n`);
    const real = (await monthOfBackups(dir, database.name)).slice(-5);

    const result = await serviceFor(database.url, dir).rotateThenBackUp();

    expect(result.rotation.futureDated.sort()).toEqual(future.sort());
    // The five newest real backups keep their slots: the future-dated ones did not take them.
    expect(
      result.rotation.kept
        .filter((k) => k.reasons.some((r) => r.rule === 'newest'))
        .map((k) => k.file)
        .sort(),
    ).toEqual(real);
    expect((await namesIn(dir)).filter((name) => future.includes(name))).toEqual(future.sort());
  });

  it.each([
    ['a symlink to a folder outside', async (archive: string) => symlink(outside, archive), 'ARCHIVE_NOT_A_FOLDER'],
    ['a file', async (archive: string) => writeFile(archive, 'not a folder\n'), 'ARCHIVE_NOT_A_FOLDER'],
  ])('still writes the backup when the archive is %s, and reports the rotation that could not be done', async (_what, plant, code) => {
    const existing = await monthOfBackups(dir, database.name);
    await plant(join(dir, 'archive'));

    const result = await serviceFor(database.url, dir).rotateThenBackUp();

    expect(result.rotationProblem?.code).toBe(code);
    expect(parseBackupFileName(result.backup.file)).toBeDefined();
    expect((await namesIn(dir)).filter((name) => name !== 'archive')).toEqual([...existing, result.backup.file].sort());
    expect(await namesIn(outside)).toEqual(['victim.json']);
    expect((await checkHealth(dir, database.name)).warnings).toEqual([
      expect.stringMatching(/^the last rotation was not done: .* is not a folder/),
    ]);
  });

  it('never follows symlinks planted on its bookkeeping files; it replaces them and reports them', async () => {
    const victim = join(outside, 'victim.json');
    await symlink(victim, join(dir, statusFile(database.name)));
    await symlink(victim, join(dir, '.db-backup-databases.json'));

    expect((await checkHealth(dir, database.name)).problems).toEqual([
      expect.stringMatching(/\.db-backup-status-.*\.json is a symlink, not the service's own file/),
    ]);
    const result = await serviceFor(database.url, dir).rotateThenBackUp();

    expect(parseBackupFileName(result.backup.file)).toBeDefined();
    expect(await readFile(victim, 'utf8')).toBe('{"untouched":true}\n');
    expect(await checkHealth(dir, database.name)).toMatchObject({ healthy: true, lastAttempt: { ok: true, file: result.backup.file } });
  });

  it('never hangs on a FIFO planted on its bookkeeping files; it replaces them and reports them', async () => {
    execFileSync('mkfifo', [join(dir, statusFile(database.name)), join(dir, '.db-backup-databases.json')]);

    expect((await checkHealth(dir, database.name)).problems).toEqual([
      expect.stringMatching(/\.db-backup-status-.*\.json is not a regular file/),
    ]);
    const result = await serviceFor(database.url, dir).rotateThenBackUp();

    expect(parseBackupFileName(result.backup.file)).toBeDefined();
    expect(await checkHealth(dir, database.name)).toMatchObject({ healthy: true, lastAttempt: { ok: true, file: result.backup.file } });
  });

  it('refuses a lock path that is not its own lock folder (a planted symlink or file), touching nothing', async () => {
    await symlink(outside, join(dir, '.db-backup.lock'));

    await expect(serviceFor(database.url, dir).rotateThenBackUp()).rejects.toMatchObject({ code: 'PLANTED_SYMLINK' });
    expect(await namesIn(dir)).toEqual(['.db-backup.lock']);
    expect(await namesIn(outside)).toEqual(['victim.json']);
  });

  it.each([
    ['in the URL, holding @:/?#%', `postgres://postgres:${encodeURIComponent('p@:/?#%s3cr3t')}@127.0.0.1:1/notes`],
    ['as a URL parameter', 'postgres://postgres@127.0.0.1:1/notes?password=s3cr3t-param&sslpassword=s3cr3t-key'],
  ])('never shows a password given %s: not in the error, the status file, /health or the log', async (_how, url) => {
    const lines: string[] = [];
    const service = createBackupService(
      loadConfig({ DATABASE_URL: url, BACKUP_DIR: dir }),
      jsonLogger((line) => lines.push(line)),
    );

    const error = (await service.rotateThenBackUp().catch((caught: unknown) => caught)) as AppError;

    expect(error.code).toBe('DATABASE_UNAVAILABLE');
    const shown = [
      error.message,
      await readFile(join(dir, statusFile('notes')), 'utf8'),
      JSON.stringify(await checkHealth(dir, database.name)),
      ...lines,
    ].join('\n');
    expect(shown).toContain('***');
    expect(shown).not.toContain('s3cr3t');
    expect(shown).not.toContain(encodeURIComponent('p@:/?#%s3cr3t').slice(0, 12));
  });

  it('answers a missing backup folder (a volume not mounted) with BACKUP_DIR_MISSING and creates nothing', async () => {
    const missing = join(dir, 'not-mounted');

    await expect(serviceFor(database.url, missing).rotateThenBackUp()).rejects.toMatchObject({
      code: 'BACKUP_DIR_MISSING',
      message: `the backup folder ${missing} does not exist: create it (mkdir ${missing}), or mount the volume it is on (BACKUP_DIR, or --dir)`,
    });
    expect(await namesIn(dir)).toEqual([]);
  });
});

describeWithPostgres('two databases whose names differ only in punctuation or accents, backing up into one folder', () => {
  const names = ['notes_t-shop.eu', 'notes_t-shop-eu', 'notes_t-café', 'notes_t-cafe'];
  let databases: Awaited<ReturnType<typeof createTestDatabase>>[];
  let dir: string;

  beforeAll(async () => {
    databases = [];
    for (const name of names) databases.push(await createTestDatabase('', { name }));
    dir = await tempFolder('notes-shared-');
    await mkdir(dir, { recursive: true });
  });
  afterAll(async () => {
    await removeFolder(dir);
    for (const database of databases) await database.drop();
  });

  it("files each one's backups under its own prefix, rotates only its own, and records the real names", async () => {
    // Seven backups each, a week apart: enough that every rotation would archive some of any database.
    const planted = new Map<string, string[]>();
    for (const database of databases) {
      const files = Array.from({ length: 7 }, (_, week) =>
        formatBackupFileName(database.name, new Date(Date.now() - (week + 40) * 7 * DAY)),
      );
      for (const file of files) await writeFile(join(dir, file), `-- ${file}\n`);
      planted.set(database.name, files);
    }

    for (const database of databases) {
      const before = await namesIn(dir);
      const result = await createBackupService(
        loadConfig({ DATABASE_URL: database.url, BACKUP_DIR: dir }),
        silentLogger,
      ).rotateThenBackUp();
      const after = await namesIn(dir);

      expect(parseBackupFileName(result.backup.file)?.database).toBe(backupPrefix(database.name));
      // Only this database's files moved.
      const moved = before.filter((file) => !after.includes(file));
      expect(moved.length).toBeGreaterThan(0);
      expect(moved.every((file) => planted.get(database.name)!.includes(file))).toBe(true);
    }

    const prefixes = new Set(databases.map((database) => backupPrefix(database.name)));
    expect(prefixes.size).toBe(names.length);
    expect(await new DatabaseNames(dir).read()).toEqual(
      Object.fromEntries(databases.map((database) => [backupPrefix(database.name), database.name])),
    );
  });
});

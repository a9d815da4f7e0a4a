import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startNotes } from '../test/support/cliProcess.js';
import { rowsOf } from '../test/support/compareDatabases.js';
import { migrationNames } from '../test/support/migrationNames.js';
import { createTestDatabase, postgresReachable } from '../test/support/postgres.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';

/** `npm start` as a new user runs it: no DATABASE_URL, no PG* variables. */
function npmStart(folder: string, args: string[] = []) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NOTES_DATA_DIR: join(folder, 'pglite'),
    BACKUP_DIR: join(folder, 'backups'),
    LOG_FILE: join(folder, 'api.log'),
    NO_COLOR: '1',
  };
  for (const name of ['DATABASE_URL', 'PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSERVICE'])
    delete env[name];
  return startNotes(args, env, { entry: 'dist/cli/start.js' });
}

describe('npm start on the embedded database (PGlite), with no PostgreSQL configured', () => {
  let folder: string;
  let firstBackup: string;

  beforeAll(async () => {
    folder = await tempFolder('notes-start-');
    await mkdir(join(folder, 'backups')); // a configured BACKUP_DIR must exist
  });
  afterAll(() => removeFolder(folder));

  it('says which database it uses, keeps the notes, and backs up when the user leaves', async () => {
    const run = npmStart(folder);
    run.write('folder add home\nadd "Crème brûlée" --folder home --body "Sahne, Zucker ☕"\nnotes\nexit\n');

    const { code, stdout, stderr } = await run.exited;

    expect(code).toBe(0);
    expect(stderr.split('\n')[0]).toMatch(/^Database: embedded PGlite in .*pglite\. \(Set DATABASE_URL to use a PostgreSQL server\.\)$/);
    // Under the data folder's own name: notes-<8 hex>, written into the folder when it was created.
    const name = (await readFile(join(folder, 'pglite', 'notes-backup-name'), 'utf8')).trim();
    expect(name).toMatch(/^notes-[0-9a-f]{8}$/);
    expect(stdout).toMatch(
      new RegExp(`^created folder home\nadded note 1 to home\n1 {2}active {2}Crème brûlée \\[home\\]\nBacked up ${name}_`),
    );
    const backups = (await namesIn(join(folder, 'backups'))).filter((name) => parseBackupFileName(name));
    expect(backups).toHaveLength(1);
    firstBackup = join(folder, 'backups', backups[0]!);
  });

  it('wrote a backup that restores into a fresh PGlite with every row', async () => {
    const copy = await PGlite.create();
    try {
      const sql = (await readFile(firstBackup, 'utf8'))
        .split('\n')
        .filter((line) => !line.startsWith('\\'))
        .join('\n');
      await copy.exec(sql);

      const notes = await copy.query<{ title: string; body: string; folder: string }>(
        'select n.title, n.body, f.name as folder from public.notes n join public.folders f on f.id = n.folder_id',
      );
      expect(notes.rows).toEqual([{ title: 'Crème brûlée', body: 'Sahne, Zucker ☕', folder: 'home' }]);
      expect((await copy.query('select name from public.pgmigrations order by id')).rows).toEqual(
        migrationNames().map((name) => ({ name })),
      );
    } finally {
      await copy.close();
    }
  });

  it('wrote a backup that db-backup verify proves on an embedded scratch database (no server configured)', () => {
    // As npm start had it: the data folder names the embedded database whose newest backup --latest is.
    const env: NodeJS.ProcessEnv = { ...process.env, BACKUP_DIR: join(folder, 'backups'), NOTES_DATA_DIR: join(folder, 'pglite') };
    for (const name of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD']) delete env[name];

    const result = spawnSync(process.execPath, ['dist/cli/db-backup.js', 'verify', '--latest'], { encoding: 'utf8', env });

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    // One note, one folder, one row per migration: counted as written, found after the restore.
    expect(result.stdout).toMatch(
      new RegExp(
        `^ok {6}.*notes-[0-9a-f]{8}_.*\\.sql: sha256 as recorded; restored and dumped again: the same bytes; 3 tables, ${2 + migrationNames().length} rows, 0 large objects`,
      ),
    );
  });

  (postgresReachable() || process.env.CI === 'true' ? it : it.skip)(
    'wrote a backup that psql restores into a real PostgreSQL',
    async () => {
      const restored = await createTestDatabase('notes_from_pglite');
      try {
        // The WASM pg_dump is PostgreSQL 18's: a server older than 17 rejects its one
        // `SET transaction_timeout` line and restores everything else.
        const psql = spawnSync('psql', ['--no-psqlrc', '--quiet', '-d', restored.url, '-f', firstBackup], { encoding: 'utf8' });
        const errors = psql.stderr.split('\n').filter((line) => line.includes('ERROR'));
        expect(errors.filter((line) => !line.includes('unrecognized configuration parameter "transaction_timeout"'))).toEqual([]);

        const rows = await rowsOf(restored.url);
        expect(rows['public.notes']!.map((row) => JSON.parse(row).title)).toEqual(['Crème brûlée']);
        expect(rows['public.folders']!.map((row) => JSON.parse(row).name)).toEqual(['home']);
      } finally {
        await restored.drop();
      }
    },
  );

  it('refuses a data folder that holds something else, saying what to do, and leaves it as it is', async () => {
    const other = await tempFolder('notes-start-other-');
    try {
      await mkdir(join(other, 'pglite'));
      await writeFile(join(other, 'pglite', 'thesis.txt'), 'mine\n');
      await mkdir(join(other, 'backups'));

      const { code, stdout, stderr } = await npmStart(other).exited;

      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).not.toContain('Creating');
      expect(stderr).toContain(
        `notes: ${join(other, 'pglite')} is not empty but holds no embedded database (no PG_VERSION file): it is left as it is, never initialised over. ` +
          'Move it away (an empty or missing folder gets a new database), or set NOTES_DATA_DIR to another folder',
      );
      expect(await namesIn(join(other, 'pglite'))).toEqual(['thesis.txt']);
    } finally {
      await removeFolder(other);
    }
  });

  it('keeps the data across restarts', async () => {
    const run = npmStart(folder, ['--no-backup']);
    run.write('notes\nexit\n');

    const { code, stdout } = await run.exited;

    expect(code).toBe(0);
    expect(stdout).toBe('1  active  Crème brûlée [home]\n');
  });

  it('refuses a second npm start on the same data folder with a clear message, and the first goes on', async () => {
    const first = npmStart(folder, ['--no-backup']);
    first.write('folders\n');
    await first.waitFor(/home {2}\(1 note\)/);

    const second = await npmStart(folder, ['--no-backup']).exited;

    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /notes: the embedded database in .*pglite is in use by another "npm start" \(process \d+\); leave that app first/,
    );
    first.write('add "still here"\nexit\n');
    const { code, stdout } = await first.exited;
    expect(code).toBe(0);
    expect(stdout).toContain('added note 2');
  });

  it('keeps the database locked while its app is stopped (Ctrl-Z, SIGSTOP) however long, and frees it the moment that app dies', async () => {
    const first = npmStart(folder, ['--no-backup']);
    first.write('folders\n');
    await first.waitFor(/home {2}\(1 note\)/);
    process.kill(first.child.pid!, 'SIGSTOP');
    try {
      // Longer than any heartbeat-based lock would wait before calling the holder dead.
      await new Promise((resolve) => setTimeout(resolve, 11_000));

      const whileStopped = await npmStart(folder, ['--no-backup']).exited;

      expect(whileStopped.code).toBe(1);
      expect(whileStopped.stderr).toMatch(/is in use by another "npm start" \(process \d+\)/);
    } finally {
      process.kill(first.child.pid!, 'SIGKILL');
    }
    await first.exited;

    const afterItDied = npmStart(folder, ['--no-backup']);
    afterItDied.write('notes\nexit\n');
    const { code, stdout } = await afterItDied.exited;

    expect(code).toBe(0);
    expect(stdout).toContain('Crème brûlée');
  });
});

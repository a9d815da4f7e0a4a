import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApiProcess } from '../test/support/apiProcess.js';
import { startNotes } from '../test/support/cliProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { closedPort, standInApi } from '../test/support/standInServers.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { waitUntil } from '../test/support/waitUntil.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { LOCK_NAME } from '../functions/backup/folder/withFolderLock.js';

describeWithPostgres('the notes binary against the real API, PostgreSQL and pg_dump', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  const backups = async () => (await namesIn(dir)).filter((name) => parseBackupFileName(name));
  const notes = (args: string[] = [], options: { pty?: boolean } = {}) =>
    startNotes(['--api-url', api.url, ...args], { NO_COLOR: '1' }, options);

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await tempFolder();
    api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir });
  });
  afterAll(async () => {
    await api.stop();
    await removeFolder(dir);
    await database.drop();
  });

  const leaveBy: [string, (run: ReturnType<typeof startNotes>) => void][] = [
    ['typing exit', (run) => run.write('exit\n')],
    ['typing quit', (run) => run.write('quit\n')],
    ['end of input (Ctrl-D)', (run) => run.child.stdin!.end()],
    ['SIGINT (Ctrl-C)', (run) => run.child.kill('SIGINT')],
    ['SIGTERM', (run) => run.child.kill('SIGTERM')],
    ['SIGHUP (terminal closed)', (run) => run.child.kill('SIGHUP')],
    [
      'SIGHUP and SIGINT in one burst (the second is no "second Ctrl-C")',
      (run) => {
        run.child.kill('SIGHUP');
        run.child.kill('SIGINT');
      },
    ],
  ];

  it.each(leaveBy)('leaving by %s takes exactly one backup and exits 0', async (_how, leave) => {
    const before = await backups();
    const run = notes();
    run.write('add "Milk — 2 l"\n');
    await run.waitFor(/added note \d+/);

    leave(run);
    const { code, stdout } = await run.exited;

    expect(code).toBe(0);
    const created = (await backups()).filter((name) => !before.includes(name));
    expect(created).toHaveLength(1);
    expect(stdout).toContain(`Backed up ${created[0]} (`);
    expect(stdout).toMatch(/rotation: \d+ kept, \d+ archived, \d+ deleted\n$/);
  });

  it('runs every queued command before the backup at end of input, and none after exit', async () => {
    const run = notes();
    run.write('folder add home\nadd "Eggs" --folder home\nnotes --folder home\nexit\nadd "never"\n');
    run.child.stdin!.end();

    const { code, stdout } = await run.exited;

    expect(code).toBe(0);
    expect(stdout).toMatch(/^created folder home\nadded note \d+ to home\n\s*\d+ {2}active {2}Eggs \[home\]\nBacked up /);
    expect(stdout).not.toContain('never');
  });

  it('leaves without a backup with --no-backup', async () => {
    const before = await backups();
    const run = notes(['--no-backup']);
    run.write('exit\n');

    const { code, stderr } = await run.exited;

    expect(code).toBe(0);
    expect(stderr).toContain('Leaving without a backup (--no-backup).');
    expect(await backups()).toEqual(before);
  });

  it('backs up after a one-shot command only with --backup', async () => {
    const before = await backups();

    const plain = await startNotes(['--api-url', api.url, 'add', 'one-shot']).exited;
    expect(plain.code).toBe(0);
    expect(await backups()).toEqual(before);

    const withBackup = await startNotes(['--api-url', api.url, 'add', 'one-shot', '--backup']).exited;
    expect(withBackup.code).toBe(0);
    const created = (await backups()).filter((name) => !before.includes(name));
    expect(created).toHaveLength(1);
    expect(withBackup.stdout).toContain(`Backed up ${created[0]}`);
  });

  it("lists and counts this database's backups, not another database's in the same folder (--all lists every one)", async () => {
    const foreign = ['shop_2026-11-01T10-00-00.000Z.sql', 'shop_2026-11-02T10-00-00.000Z.sql'];
    for (const file of foreign) await writeFile(join(dir, file), '-- another database\n');
    const oursBefore = (await backups()).filter((name) => !foreign.includes(name)).length;
    try {
      const backup = await startNotes(['--api-url', api.url, 'backup']).exited;
      const mine = await startNotes(['--api-url', api.url, 'backups']).exited;
      const all = await startNotes(['--api-url', api.url, 'backups', '--all']).exited;

      const ours = (await backups()).filter((name) => !foreign.includes(name));
      // The rotation counts cover the folder before the new backup: our backups, not shop's two.
      const [, kept, archived, deleted] = /rotation: (\d+) kept, (\d+) archived, (\d+) deleted\n$/.exec(backup.stdout)!.map(Number);
      expect(kept! + archived! + deleted!).toBe(oursBefore);
      const lines = mine.stdout.trim().split('\n');
      expect(lines.slice(0, -1).map((line) => line.split(' ')[0])).toEqual([...ours].reverse());
      expect(lines.at(-1)).toMatch(/^to prove or restore one, on the API's machine: npm run -s db-backup -- verify <file>/);
      expect(all.stdout).toContain(foreign[0]);
      expect(all.stdout).toContain(foreign[1]);
    } finally {
      for (const file of foreign) await rm(join(dir, file), { force: true });
    }
  });

  it('waits at most half its backup timeout for a running backup, then reports the 409 and still exits 0', async () => {
    const before = await backups();
    await mkdir(join(dir, LOCK_NAME));
    try {
      const run = notes(['--backup-timeout', '4']);
      run.write('exit\n');
      const { code, stderr } = await run.exited;

      expect(code).toBe(0);
      expect(stderr).toContain(
        'warning: no backup was taken: another backup ran for longer than this app waits (409 BACKUP_IN_PROGRESS: waited 2 s for the running backup',
      );
      expect(await backups()).toEqual(before);
    } finally {
      await rm(join(dir, LOCK_NAME), { recursive: true });
    }
  });

  it('shows the prompt, takes the backup and exits 0 when the user types exit in a real terminal (pty via script)', async () => {
    const before = await backups();
    const run = notes([], { pty: true });
    await run.waitFor(/notes> /);
    run.write('add "from a terminal"\r');
    await run.waitFor(/added note \d+/);

    run.write('exit\r');
    const { code, stdout } = await run.exited;

    expect(code).toBe(0);
    expect(stdout).toContain('type help for the commands, exit to leave (a backup is taken when you leave)');
    const created = (await backups()).filter((name) => !before.includes(name));
    expect(created).toHaveLength(1);
    expect(stdout).toContain(`Backed up ${created[0]}`);
  });

  it('takes the backup and exits 0 on Ctrl-C at the prompt of a real terminal', async () => {
    const before = await backups();
    const run = notes([], { pty: true });
    await run.waitFor(/notes> /);

    run.write('\x03');
    const { code, stdout } = await run.exited;

    expect(code).toBe(0);
    const created = (await backups()).filter((name) => !before.includes(name));
    expect(created).toHaveLength(1);
    expect(stdout).toContain(`Backed up ${created[0]}`);
  });
});

describe('the notes binary when the API misbehaves (stand-in APIs: the real one cannot fail on demand)', () => {
  it('warns that no backup was taken and exits 0 when nothing listens', async () => {
    const port = await closedPort();
    const run = startNotes(['--api-url', `http://127.0.0.1:${port}`, '--backup-timeout', '5']);
    run.write('exit\n');

    const { code, stderr } = await run.exited;

    expect(code).toBe(0);
    expect(stderr).toContain(`warning: no backup was taken: cannot reach the API at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('gives up after --backup-timeout when the API never answers, and exits 0', async () => {
    const api = await standInApi(() => undefined);
    try {
      const run = startNotes(['--api-url', api.url, '--backup-timeout', '1']);
      run.write('exit\n');

      const { code, stderr, ms } = await run.exited;

      expect(code).toBe(0);
      expect(stderr).toContain(
        'warning: stopped waiting after 1 s: the API did not answer in time; it may still finish the backup (backups lists them)',
      );
      expect(ms).toBeLessThan(10_000); // the 120 s default was not used
    } finally {
      await api.close();
    }
  });

  it('stops waiting on a second Ctrl-C during the backup and exits 0', async () => {
    const api = await standInApi(() => undefined);
    try {
      const run = startNotes(['--api-url', api.url]);
      run.write('exit\n');
      await run.waitFor(/Backing up the database/);
      await waitUntil(() => api.requests.length > 0, 'the backup request reached the API');

      run.child.kill('SIGINT');
      const { code, stderr } = await run.exited;

      expect(code).toBe(0);
      expect(stderr).toContain('warning: stopped waiting for the backup; the API may still finish it');
      expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /db-backup?wait=60']);
    } finally {
      await api.close();
    }
  });

  it('says what the API answered when the backup fails', async () => {
    const api = await standInApi(() => ({
      status: 500,
      body: JSON.stringify({ error: { code: 'DUMP_FAILED', message: 'pg_dump was killed by SIGKILL' } }),
    }));
    try {
      const run = startNotes(['--api-url', api.url]);
      run.child.stdin!.end();

      const { code, stderr } = await run.exited;

      expect(code).toBe(0);
      expect(stderr).toContain('warning: no backup was taken: the API answered 500 DUMP_FAILED: pg_dump was killed by SIGKILL');
    } finally {
      await api.close();
    }
  });
});

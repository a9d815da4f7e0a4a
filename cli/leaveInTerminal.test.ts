import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { PG_VARIABLES } from '../functions/db/hasDatabaseSettings.js';
import { ROOT, startApiProcess } from '../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { openTerminal, type TerminalSession } from '../test/support/terminalSession.js';
import { waitUntil } from '../test/support/waitUntil.js';

/**
 * Leaving the app where users are: a real terminal (a pty), started with the README's commands
 * (`npm start`, `npm run -s cli`), through npm. Every way out must take exactly one backup and end
 * the process normally; the terminal closing must not crash it.
 */

type WayOut = [string, (terminal: TerminalSession) => void];

/** The ways out after which the terminal is still there to read, and npm's exit status tells the app's. */
const WAYS_OUT: WayOut[] = [
  ['typing exit', (terminal) => terminal.type('exit\r')],
  ['typing quit', (terminal) => terminal.type('quit\r')],
  ['Ctrl-D', (terminal) => terminal.type('\x04')],
  ['Ctrl-C at the prompt', (terminal) => terminal.type('\x03')],
  ['SIGTERM to the app', (terminal) => process.kill(terminal.appPid(), 'SIGTERM')],
  ['SIGHUP to the app, the terminal still open', (terminal) => process.kill(terminal.appPid(), 'SIGHUP')],
  ['SIGTERM to the npm process that runs it', (terminal) => process.kill(terminal.pid, 'SIGTERM')],
];

/** What a crash looks like in a terminal: none of it may ever show. */
const CRASH = /Error:|Unhandled|Assertion failed|node::|Segmentation|Aborted|npm error/;

function environment(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...overrides };
  for (const name of ['DATABASE_URL', ...PG_VARIABLES]) if (!(name in overrides)) delete env[name];
  // npm's own configuration from a surrounding `npm test` must not leak into the npm under test.
  for (const name of Object.keys(env)) if (name.startsWith('npm_')) delete env[name];
  return env;
}

/** The backups and partial files in `dir`. */
async function folderState(dir: string) {
  const names = await namesIn(dir);
  return { backups: names.filter((name) => parseBackupFileName(name)), partials: names.filter((name) => name.endsWith('.partial')) };
}

/** Runs one way out on a session that has the prompt up, and checks everything a user would. */
async function leaveAndCheck(terminal: TerminalSession, dir: string, leave: (terminal: TerminalSession) => void) {
  const before = (await folderState(dir)).backups;
  terminal.type('add "written just before leaving"\r');
  await terminal.waitFor(/added note \d+/);

  leave(terminal);
  const exited = await terminal.exited;
  await terminal.allGone();

  const after = await folderState(dir);
  const created = after.backups.filter((name) => !before.includes(name));
  expect(created).toHaveLength(1);
  expect(after.partials).toEqual([]);
  expect(exited).toEqual({ exitCode: 0, signal: 0 });
  expect(terminal.screen()).toContain(`Backed up ${created[0]} (`);
  expect(terminal.screen()).not.toMatch(CRASH);
  return created[0]!;
}

/** Closes the terminal with the app at its prompt; checks the backup, the log line and that every process ended. */
async function closeTerminalAndCheck(terminal: TerminalSession, dir: string, log: () => Promise<string>) {
  const before = (await folderState(dir)).backups;
  terminal.type('add "written just before the window closed"\r');
  await terminal.waitFor(/added note \d+/);

  terminal.hangUp();
  await terminal.allGone();

  const after = await folderState(dir);
  const created = after.backups.filter((name) => !before.includes(name));
  expect(created).toHaveLength(1);
  expect(after.partials).toEqual([]);
  const logged = (await log()).split('\n').filter((line) => line.includes('"backup.created"') && line.includes(created[0]!));
  expect(logged).toHaveLength(1);
  return created[0]!;
}

describe('npm start (embedded database) in a real terminal', () => {
  let folder: string;
  const dir = () => join(folder, 'backups');
  const apiLog = () => readFile(join(folder, 'api.log'), 'utf8');
  const npmStart = () =>
    openTerminal(
      'npm',
      ['start'],
      environment({ NOTES_DATA_DIR: join(folder, 'pglite'), BACKUP_DIR: dir(), LOG_FILE: join(folder, 'api.log') }),
    );

  beforeAll(async () => {
    folder = await tempFolder('notes-pty-start-');
    await mkdir(dir()); // a configured BACKUP_DIR must exist
  });
  afterAll(() => removeFolder(folder));

  it('shows progress while it creates the embedded database on the first run', async () => {
    const terminal = npmStart();
    await terminal.waitFor(/notes> /, 90_000);

    expect(terminal.screen()).toMatch(/Creating the embedded database \(first run only\)…\nCreated the embedded database in \d+\.\d s\./);
    await leaveAndCheck(terminal, dir(), (t) => t.type('exit\r'));
  });

  it.each(WAYS_OUT)('leaving by %s takes exactly one backup and exits 0', async (_how, leave) => {
    const terminal = npmStart();
    await terminal.waitFor(/notes> /);

    await leaveAndCheck(terminal, dir(), leave);

    expect(terminal.screen()).not.toContain('Creating the embedded database');
  });

  it('closing the terminal still takes exactly one backup, logged to .data/api.log, and every process ends', async () => {
    const terminal = npmStart();
    await terminal.waitFor(/notes> /);

    await closeTerminalAndCheck(terminal, dir(), apiLog);

    const stopped = (await apiLog())
      .split('\n')
      .filter((line) => line.includes('"app.stopped"'))
      .at(-1)!;
    expect(JSON.parse(stopped)).toMatchObject({ status: 0, terminalGone: true });
  });

  it('under npm start, the app itself exits 0 when its terminal closes, not by a signal (run without npm to see its status)', async () => {
    const terminal = openTerminal(
      process.execPath,
      [join(ROOT, 'dist/cli/start.js')],
      environment({ NOTES_DATA_DIR: join(folder, 'pglite'), BACKUP_DIR: dir(), LOG_FILE: join(folder, 'api.log') }),
    );
    await terminal.waitFor(/notes> /);

    await closeTerminalAndCheck(terminal, dir(), apiLog);

    expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
  });

  it('leaving again without a change: "unchanged since" the last backup, a hard link of it; a damaged newest backup is said, and a dump made', async () => {
    const leaveUnchanged = async () => {
      const before = (await folderState(dir())).backups;
      const terminal = npmStart();
      await terminal.waitFor(/notes> /);
      terminal.type('notes\r');
      await terminal.waitFor(/notes> [\s\S]*notes> /);
      terminal.type('exit\r');
      expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
      await terminal.allGone();
      const created = (await folderState(dir())).backups.filter((name) => !before.includes(name));
      expect(created).toHaveLength(1);
      return { file: created[0]!, outcome: outcomeLines(terminal) };
    };
    const written = npmStart();
    await written.waitFor(/notes> /);
    const dumped = await leaveAndCheck(written, dir(), (t) => t.type('exit\r'));

    const unchanged = await leaveUnchanged();

    expect(unchanged.outcome).toEqual([
      expect.stringMatching(
        new RegExp(`^Backed up ${escaped(unchanged.file)} \\(.* in .*, unchanged since ${escaped(dumped)}\\); rotation: `),
      ),
    ]);
    const [linked, original] = await Promise.all([stat(join(dir(), unchanged.file)), stat(join(dir(), dumped))]);
    expect({ inode: linked.ino, links: linked.nlink }).toEqual({ inode: original.ino, links: original.nlink });
    expect(linked.nlink).toBeGreaterThanOrEqual(2);

    await appendFile(join(dir(), unchanged.file), '-- edited by hand\n');
    const afterDamage = await leaveUnchanged();

    expect(afterDamage.outcome).toEqual([
      expect.stringMatching(new RegExp(`^Backed up ${escaped(afterDamage.file)} \\([^,]* in [^,]*\\); rotation: `)),
      `warning: the newest backup ${unchanged.file} no longer matches its checksum, so this one was dumped anew; the backups made from it, or it from them, are the same file: prove them with db-backup verify --all on the API's machine`,
    ]);
    expect((await stat(join(dir(), afterDamage.file))).nlink).toBe(1);
  });

  // Last in this suite: it makes the database big enough for a dump that takes seconds.
  it('a second Ctrl-C during a slow embedded dump (which cannot be interrupted) exits 0 with one line naming the backup it finished, and no partial file', async () => {
    const db = await PGlite.create(join(folder, 'pglite'));
    await db.exec("insert into notes (title, body) select 'bulk ' || i, repeat(md5(i::text), 16) from generate_series(1, 120000) i");
    await db.close();
    const before = (await folderState(dir())).backups;
    const terminal = npmStart();
    await terminal.waitFor(/notes> /);

    terminal.type('exit\r');
    await waitUntil(async () => (await folderState(dir())).partials.length === 1, 'the dump is being written', { timeoutMs: 30_000 });
    terminal.type('\x03');
    const exited = await terminal.exited;
    await terminal.allGone();

    expect(exited).toEqual({ exitCode: 0, signal: 0 });
    const after = await folderState(dir());
    expect(after.partials).toEqual([]);
    const created = after.backups.filter((name) => !before.includes(name));
    expect(created).toHaveLength(1);
    const outcome = outcomeLines(terminal);
    expect(outcome).toEqual([
      expect.stringMatching(
        new RegExp(`^Backed up ${created[0]!.replace(/\./g, '\\.')} .* \\(it finished before it could be stopped, so it is kept\\)$`),
      ),
    ]);
    expect(terminal.screen()).not.toMatch(CRASH);
    expect((await readFile(join(dir(), created[0]!), 'utf8')).slice(-4096)).toContain('-- PostgreSQL database dump complete');
    // About 45 s when the machine is busy: a limit with room (the suite default is 60 s).
  }, 180_000);
});

describeWithPostgres('npm start on a PostgreSQL server in a real terminal', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let folder: string;
  const dir = () => join(folder, 'backups');

  beforeAll(async () => {
    database = await createTestDatabase();
    folder = await tempFolder('notes-pty-server-');
    await mkdir(dir());
  });
  afterAll(async () => {
    await removeFolder(folder);
    await database.drop();
  });

  const npmStartOnServer = () =>
    openTerminal('npm', ['start'], environment({ DATABASE_URL: database.url, BACKUP_DIR: dir(), LOG_FILE: join(folder, 'api.log') }));

  /** How many pg_dump sessions the server has on the test database. */
  async function pgDumpSessions(): Promise<number> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'pg_dump'",
        [database.name],
      );
      return rows[0]!.n;
    } finally {
      await client.end();
    }
  }

  /** Runs `during` while another session holds a lock on the notes table (pg_dump waits for it), then lets go. */
  async function withTableLocked(during: (release: () => Promise<void>) => Promise<void>): Promise<void> {
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    let released = false;
    const release = async () => {
      if (!released) await locker.query('commit');
      released = true;
    };
    try {
      await locker.query('begin; lock table notes in access exclusive mode');
      await during(release);
    } finally {
      await release().catch(() => undefined);
      await locker.end();
    }
  }

  it('closing the terminal while pg_dump runs does not stop it: the backup completes and the app then ends', async () => {
    const before = (await folderState(dir())).backups;
    const terminal = npmStartOnServer();
    await terminal.waitFor(/notes> /);
    await withTableLocked(async (release) => {
      terminal.type('exit\r');
      await waitUntil(async () => (await pgDumpSessions()) === 1, 'pg_dump waits for the table', { timeoutMs: 30_000, intervalMs: 100 });

      terminal.hangUp(); // the kernel's SIGHUP reaches the app's process group; pg_dump runs in its own session
      await waitUntil(() => terminal.isHungUp(), 'the terminal hung up');
      expect(await pgDumpSessions()).toBe(1); // still there, waiting for the table
      await release();
      await terminal.allGone();
    });

    const after = await folderState(dir());
    expect(after.backups.filter((name) => !before.includes(name))).toHaveLength(1);
    expect(after.partials).toEqual([]);
  });

  it('a Ctrl-C while a backup command runs makes that backup the exit backup: exactly one, exit 0', async () => {
    const before = (await folderState(dir())).backups;
    const terminal = npmStartOnServer();
    await terminal.waitFor(/notes> /);
    await withTableLocked(async (release) => {
      terminal.type('backup\r');
      await waitUntil(async () => (await folderState(dir())).partials.length === 1, 'pg_dump waits for the table', { timeoutMs: 30_000 });

      terminal.type('\x03');
      // The session closes its prompt (leaving raw mode) as it starts to leave: then the backup may end.
      await waitUntil(() => !terminal.inRawMode(), 'the app left its prompt');
      await release();
      const exited = await terminal.exited;
      await terminal.allGone();

      expect(exited).toEqual({ exitCode: 0, signal: 0 });
    });

    const after = await folderState(dir());
    const created = after.backups.filter((name) => !before.includes(name));
    expect(created).toHaveLength(1);
    expect(after.partials).toEqual([]);
    expect(outcomeLines(terminal)).toEqual([expect.stringMatching(new RegExp(`^Backed up ${created[0]!.replace(/\./g, '\\.')} `))]);
  });

  it('Ctrl-Z at the prompt says it is not supported instead of freezing the terminal; exit still works', async () => {
    const terminal = npmStartOnServer();
    await terminal.waitFor(/notes> /);

    terminal.type('\x1a');
    await terminal.waitFor(/Ctrl-Z \(suspend\) is not supported here/);
    terminal.type('exit\r');

    expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
    await terminal.allGone();
  });

  it('a second Ctrl-C while pg_dump waits on a locked table cancels the backup: pg_dump stopped, no partial file, exit 0', async () => {
    const before = await folderState(dir());
    const terminal = npmStartOnServer();
    await terminal.waitFor(/notes> /);
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('begin; lock table notes in access exclusive mode');

      terminal.type('exit\r');
      await waitUntil(async () => (await pgDumpSessions()) === 1, 'pg_dump waits for the table', { timeoutMs: 30_000, intervalMs: 100 });
      terminal.type('\x03');
      const exited = await terminal.exited;
      await terminal.allGone();
      // pg_dump runs in a session of its own: it is gone when its server session is (no orphan waiting on the lock).
      await waitUntil(async () => (await pgDumpSessions()) === 0, "pg_dump's server session ended", { intervalMs: 100 });

      expect(exited).toEqual({ exitCode: 0, signal: 0 });
      const outcome = outcomeLines(terminal);
      expect(outcome).toEqual([
        'warning: no backup was taken: cancelled: pg_dump was stopped (the API is stopping); nothing half-written is left',
      ]);
      expect(terminal.screen()).not.toMatch(CRASH);
      expect(await folderState(dir())).toEqual({ backups: before.backups, partials: [] });
      const failed = (await readFile(join(folder, 'api.log'), 'utf8')).split('\n').filter((line) => line.includes('"backup.failed"'));
      expect(JSON.parse(failed.at(-1)!).error.name).toBe('BackupCancelledError');
    } finally {
      await locker.end();
    }
  });
});

describeWithPostgres('npm run -s cli against the API (npm run api, PostgreSQL) in a real terminal', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  const npmRunCli = () => openTerminal('npm', ['run', '-s', 'cli', '--', '--api-url', api.url], environment({}));
  /** `notes` once installed: its bin is dist/cli/notes.js, run by node with no npm in between. */
  const installedNotes = () => openTerminal(process.execPath, [join(ROOT, 'dist/cli/notes.js'), '--api-url', api.url], environment({}));

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await tempFolder('notes-pty-cli-');
    api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir });
  });
  afterAll(async () => {
    await api.stop();
    await removeFolder(dir);
    await database.drop();
  });

  it.each(WAYS_OUT)('leaving by %s takes exactly one backup and exits 0', async (_how, leave) => {
    const terminal = npmRunCli();
    await terminal.waitFor(/notes> /);

    await leaveAndCheck(terminal, dir, leave);
  });

  it('closing the terminal still takes exactly one backup, logged by the API, and every process ends', async () => {
    const terminal = npmRunCli();
    await terminal.waitFor(/notes> /);

    await closeTerminalAndCheck(terminal, dir, async () => api.logs());
  });

  it.each(WAYS_OUT.filter(([how]) => !how.includes('npm')))(
    'notes (installed): leaving by %s takes exactly one backup and exits 0',
    async (_how, leave) => {
      const terminal = installedNotes();
      await terminal.waitFor(/notes> /);

      await leaveAndCheck(terminal, dir, leave);
    },
  );

  it('notes (installed): closing the terminal takes one backup and the app exits 0, not by a signal (Node aborts on a hung-up terminal unless the app prevents it)', async () => {
    const terminal = installedNotes();
    await terminal.waitFor(/notes> /);

    await closeTerminalAndCheck(terminal, dir, async () => api.logs());

    expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
  });

  it('a second Ctrl-C while a slow backup runs stops waiting with one line and exits 0; the API finishes the backup whole', async () => {
    // Another session holds a lock on the notes table, so pg_dump waits for it: a slow backup.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      const before = (await folderState(dir)).backups;
      const terminal = npmRunCli();
      await terminal.waitFor(/notes> /);
      await locker.query('begin; lock table notes in access exclusive mode');

      terminal.type('exit\r');
      await terminal.waitFor(/Backing up the database/);
      await waitUntil(async () => (await folderState(dir)).partials.length === 1, 'pg_dump waits for the table', { timeoutMs: 30_000 });
      terminal.type('\x03');
      const exited = await terminal.exited;
      await terminal.allGone();

      expect(exited).toEqual({ exitCode: 0, signal: 0 });
      expect(terminal.screen().match(/warning: stopped waiting for the backup; the API may still finish it\n/g)).toHaveLength(1);
      expect(terminal.screen()).not.toMatch(CRASH);
      await locker.query('commit');
      // Rotation may archive older backups first: look for the new name, not a larger count.
      await waitUntil(async () => (await folderState(dir)).backups.some((name) => !before.includes(name)), 'the API finished the backup', {
        timeoutMs: 30_000,
      });
      expect((await folderState(dir)).partials).toEqual([]);
    } finally {
      await locker.end();
    }
  });
});

/** The lines that say how the exit backup went (a spinner frame may precede them on the same line). */
/** A file name as a literal in a RegExp. */
function escaped(file: string): string {
  return file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function outcomeLines(terminal: TerminalSession): string[] {
  return terminal.screen().match(/(Backed up|warning:)[^\n]*/g) ?? [];
}

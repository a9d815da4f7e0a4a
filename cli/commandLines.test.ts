import { describe, expect, it } from '@jest/globals';
import { startNotes } from '../test/support/cliProcess.js';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { closedPort, standInApi } from '../test/support/standInServers.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { waitUntil } from '../test/support/waitUntil.js';
import { PG_VARIABLES } from '../functions/db/hasDatabaseSettings.js';

/** The built entry points as npm runs them, with no database configured unless a test sets one. */
const ENTRIES = {
  notes: 'dist/cli/notes.js',
  start: 'dist/cli/start.js',
  migrate: 'dist/cli/migrate.js',
  api: 'dist/gateway/main.js',
  'db-backup': 'dist/cli/db-backup.js',
};

function run(entry: keyof typeof ENTRIES, args: string[], env: NodeJS.ProcessEnv = {}) {
  // LOG_FILE: npm start logs how it stopped; not into the checkout's .data/api.log.
  const clean: NodeJS.ProcessEnv = { NO_COLOR: '1', LOG_FILE: '/dev/null', ...env };
  for (const name of ['DATABASE_URL', ...PG_VARIABLES]) if (!(name in env)) clean[name] = '';
  return startNotes(args, clean, { entry: ENTRIES[entry] }).exited;
}

describe('the command lines answer a bad invocation with one line naming the program, exit 2, and do nothing', () => {
  it.each([
    ['notes', ['--bogus'], 'notes: unknown option --bogus (see --help)'],
    ['notes', ['add', 'x', '--colour', 'red'], 'notes: unknown option --colour (see --help)'],
    ['notes', ['add'], 'notes: usage: notes add <title> [--body <text>] [--folder <path>] [--json]'],
    ['notes', ['--foldr', 'x'], 'notes: unknown option --foldr; did you mean --folder?'],
    ['notes', ['add', 'x', '--foldr=x'], 'notes: unknown option --foldr; did you mean --folder?'],
    ['notes', ['--no-bakup'], 'notes: unknown option --no-bakup; did you mean --no-backup?'],
    ['notes', ['fodlers'], 'notes: unknown command "fodlers"; did you mean folders? (help lists the commands)'],
    ['notes', ['add', 'Shopping', 'list'], 'notes: a title of several words needs quotes: notes add "Shopping list"'],
    [
      'notes',
      ['add', 'Shopping', 'list', '--folder', 'home'],
      'notes: a title of several words needs quotes: notes add "Shopping list" --folder home',
    ],
    [
      'notes',
      ['add', 'Groceries', '--body', 'milk', 'eggs'],
      'notes: a body of several words needs quotes: notes add Groceries --body "milk eggs"',
    ],
    [
      'notes',
      ['--api-url', 'http://127.0.0.1:9', 'edit', '1', '--title', 'New', 'title', '--json'],
      'notes: a title of several words needs quotes: notes edit 1 --title "New title" --json',
    ],
    ['notes', ['show', '1', '--folder', 'x'], 'notes: show does not take --folder; usage: notes show <id> [--json]'],
    ['notes', ['folders', '--foldr', 'x'], 'notes: unknown option --foldr; folders takes no --folder; usage: notes folders [--json]'],
    ['notes', ['show', '1', '--tga', 'x'], 'notes: unknown option --tga; show takes no --tag; usage: notes show <id> [--json]'],
    ['notes', ['search', '-tea'], 'notes: unknown option -tea (a word starting with - goes after --, e.g. notes search -- -tea)'],
    [
      'notes',
      ['--api-url', 'http://127.0.0.1:9', 'add', '-x', 'y', '--folder', 'home'],
      'notes: unknown option -x (a word starting with - goes after --, e.g. notes add --folder home -- -x y)',
    ],
    ['notes', ['add', 'x', '--body', '-dash'], 'notes: --body needs a value; one that starts with - is written --body=-dash'],
    ['notes', ['--api-url', 'http://127.0.0.1:9', 'add', 'x', '--body'], 'notes: --body needs a value, e.g. --body "some text"'],
    ['notes', ['--api-url', 'http://127.0.0.1:9', 'notes', '--tag', '--json'], 'notes: --tag needs a value, e.g. --tag "some text"'],
    [
      'notes',
      ['--api-url', 'http://127.0.0.1:9', 'search', 'milk', '--folder', '--', 'x'],
      'notes: --folder needs a value, e.g. --folder "some text"',
    ],
    ['notes', ['add', '--', '-x', 'y'], 'notes: a title of several words needs quotes: notes add -- "-x y"'],
    ['db-backup', ['list', '--dir', '-x'], 'db-backup: --dir needs a value; one that starts with - is written --dir=-x'],
    ['notes', ['help', 'fodlers'], 'notes: unknown command "fodlers"; did you mean folders? (help lists the commands)'],
    ['notes', ['exit'], 'notes: exit and quit leave the interactive app: type exit alone at its notes> prompt'],
    ['notes', ['quit', 'now'], 'notes: exit and quit leave the interactive app: type exit alone at its notes> prompt'],
    ['notes', ['tag', '1', ''], 'notes: a tag cannot be empty'],
    ['start', ['--bogus'], 'notes: unknown option --bogus (see --help)'],
    ['migrate', ['--bogus'], 'migrate: unknown option --bogus (see --help)'],
    ['api', ['--bogus', '-x'], 'api: unknown options --bogus, -x (see --help)'],
    ['db-backup', ['list', '--bogus'], 'db-backup: unknown option --bogus (see --help)'],
    ['db-backup', ['list', '--dri', 'x'], 'db-backup: unknown option --dri; did you mean --dir?'],
  ] as const)('%s %j', async (entry, args, line) => {
    const { code, stdout, stderr } = await run(entry, [...args]);

    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });
});

describe('the command lines that need PostgreSQL refuse to guess one (libpq would use a local database named after the OS user)', () => {
  const noDatabase =
    'no database configured: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/notes) or the PG* variables (npm start alone uses an embedded database)';

  it.each([
    ['migrate', [], `migrate: ${noDatabase}`],
    ['api', ['--port', '0'], `api: ${noDatabase}`],
    ['db-backup', ['create'], `db-backup: ${noDatabase}`],
  ] as const)('%s %j exits 1 with one line', async (entry, args, line) => {
    const dir = await tempFolder();
    try {
      const { code, stdout, stderr } = await run(entry, [...args], { BACKUP_DIR: dir });

      expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: `${line}\n` });
      expect(await namesIn(dir)).toEqual([]);
    } finally {
      await removeFolder(dir);
    }
  });

  it('db-backup list still works on the folder alone', async () => {
    const dir = await tempFolder();
    try {
      const { code, stdout } = await run('db-backup', ['list', '--dir', dir]);

      expect(code).toBe(0);
      expect(stdout).toBe(`${dir}: 0 kept, 0 archived, 0 deleted if rotated now\n`);
    } finally {
      await removeFolder(dir);
    }
  });
});

describe('npm start stopped while it waits on a database server that never answers', () => {
  it('ends at once on Ctrl-C (SIGINT), saying nothing changed, exit 0', async () => {
    // A stand-in server that accepts connections and never says a word (a hung host, a firewall).
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const dir = await tempFolder();
    try {
      const run = startNotes(
        [],
        { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/notes`, BACKUP_DIR: dir, LOG_FILE: '/dev/null', NO_COLOR: '1' },
        { entry: ENTRIES.start },
      );
      await run.waitFor(/^Database: PostgreSQL/m);
      await waitUntil(() => sockets.length > 0, 'the app connected to the silent server');

      run.child.kill('SIGINT');
      const { code, stderr, ms } = await run.exited;

      expect(code).toBe(0);
      expect(stderr).toContain('Stopped (SIGINT) before the app opened: nothing changed, so no backup was taken.');
      expect(ms).toBeLessThan(8_000); // not the 10 s connect timeout: it stopped when asked
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await removeFolder(dir);
    }
  });
});

describe('notes one-shot commands that need no API', () => {
  it('notes help lists the commands and exits 0', async () => {
    const { code, stdout, stderr } = await run('notes', ['help']);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Commands:\n {2}folders +list the folder tree\n/);
    expect(stdout).toMatch(/\n {2}help \[<command>\] +list the commands, or show how to use one/);
    expect(stdout).toMatch(/\nnotes help <command> shows how to use one; notes --help lists the options\n$/);
  });

  const ADD_HELP = [
    'usage: notes add <title> [--body <text>] [--folder <path>] [--json]',
    'add a note; a title or body of several words goes in quotes',
    "  --body <text>    the note's text",
    '  --folder <path>  a folder by its path, e.g. home/groceries',
    '  --json           print JSON instead of text',
    'example: notes add "Buy milk" --folder home --body "two litres"',
    '',
  ].join('\n');

  it.each([
    [['help', 'add'], ADD_HELP],
    [['add', '--help'], ADD_HELP],
    [['--api-url', 'http://127.0.0.1:9', 'add', 'Milk', '--help'], ADD_HELP],
    [
      ['folder', 'rm', '--help'],
      'usage: notes folder rm <path>\nremove a folder and its subfolders (their notes stay, without a folder)\nexample: notes folder rm home/old\n',
    ],
  ])("notes %j shows that command's help and exits 0, doing nothing else", async (args, help) => {
    const { code, stdout, stderr } = await run('notes', args);

    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: help, stderr: '' });
  });

  it("notes --help alone shows the whole program's help, its commands made from the same table", async () => {
    const { code, stdout } = await run('notes', ['--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('$ notes help <command>       how to use one command (also notes <command> --help)');
    expect(stdout).toMatch(/\n {4}folders +list the folder tree\n/);
    expect(stdout).toContain('--api-url <url>');
  });

  it('a failed one-shot backup says why in exactly one line and exits 1', async () => {
    const port = await closedPort();

    const { code, stdout, stderr } = await run('notes', ['--api-url', `http://127.0.0.1:${port}`, 'backup']);

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr.split('\n').filter((line) => !line.startsWith('Backing up'))).toEqual([
      `notes: no backup was taken: cannot reach the API at http://127.0.0.1:${port} (ECONNREFUSED)`,
      '',
    ]);
  });
});

describe('the notes app pointed at a web server that is not the notes API (stand-in: some other site)', () => {
  it('says so in one line instead of printing its HTML', async () => {
    const site = await standInApi(() => ({
      status: 404,
      body: '<!doctype html><html><body><h1>Not Found</h1>\n<p>nginx</p></body></html>',
      contentType: 'text/html',
    }));
    try {
      const { code, stdout, stderr } = await run('notes', ['--api-url', site.url, 'folders']);

      expect({ code, stdout, stderr }).toEqual({
        code: 1,
        stdout: '',
        stderr: `notes: ${site.url} answered 404 Not Found with text/html, not the notes API's JSON: is --api-url (API_URL) right?\n`,
      });
    } finally {
      await site.close();
    }
  });
});

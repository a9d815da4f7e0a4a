import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ROOT, startApiProcess } from '../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { openTerminal, type TerminalSession } from '../test/support/terminalSession.js';
import { waitUntil } from '../test/support/waitUntil.js';

/**
 * The help a new user meets at the prompt, in a real terminal (a pty) on the real API and PostgreSQL:
 * help for a command, suggestions, the quoting hint, Ctrl-Z, Tab completion. `--no-backup`: leaving
 * is tested in leaveInTerminal.test.ts.
 */
describeWithPostgres('the notes prompt helps in a real terminal', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  const terminals: TerminalSession[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await tempFolder();
    api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir });
  });
  afterAll(async () => {
    for (const terminal of terminals) if (!terminal.isHungUp()) terminal.hangUp();
    await api.stop();
    await removeFolder(dir);
    await database.drop();
  });

  async function openPrompt(): Promise<TerminalSession> {
    const terminal = openTerminal(process.execPath, [join(ROOT, 'dist/cli/notes.js'), '--api-url', api.url, '--no-backup'], {
      ...process.env,
      NO_COLOR: '1',
    });
    terminals.push(terminal);
    await terminal.waitFor(/notes> $/);
    return terminal;
  }

  /** Types `keys` and resolves with what the terminal showed after them once it matches `until`. */
  async function typeAndRead(terminal: TerminalSession, keys: string, until: RegExp): Promise<string> {
    const from = terminal.screen().length;
    terminal.type(keys);
    await waitUntil(() => until.test(terminal.screen().slice(from)), `the terminal showing ${until} after ${JSON.stringify(keys)}`);
    return terminal.screen().slice(from);
  }

  async function leave(terminal: TerminalSession): Promise<void> {
    terminal.type('exit\r');
    expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
  }

  const ADD_HELP = [
    'usage: add <title> [--body <text>] [--folder <path>] [--json]',
    'add a note; a title or body of several words goes in quotes',
    "  --body <text>    the note's text",
    '  --folder <path>  a folder by its path, e.g. home/groceries',
    '  --json           print JSON instead of text',
    'example: add "Buy milk" --folder home --body "two litres"',
  ].join('\n');

  it.each([
    ['help add', ADD_HELP],
    ['add --help', ADD_HELP],
    ['help folder', 'folder commands:\n  folder add <path>  '],
    ['fodlers', 'error: unknown command "fodlers"; did you mean folders? (help lists the commands)'],
    ['Exit', 'error: unknown command "Exit"; did you mean exit? (help lists the commands)'],
    ['add x --foldr home', 'error: unknown option --foldr; did you mean --folder?'],
    ['show 1 --folder home', 'error: show does not take --folder; usage: show <id> [--json]'],
    ['add Shopping list --folder home', 'error: a title of several words needs quotes: add "Shopping list" --folder home'],
    ['add say \\"hi\\" now', `error: a title of several words needs quotes: add 'say "hi" now'`],
    ['add Groceries --body milk eggs', 'error: a body of several words needs quotes: add Groceries --body "milk eggs"'],
    ['edit 1 --title New title', 'error: a title of several words needs quotes: edit 1 --title "New title"'],
    [
      'add Shopping list --body milk eggs --folder home',
      'error: a title of several words needs quotes: add "Shopping list" --body "milk eggs" --folder home',
    ],
  ])('answers %s, then shows the prompt again', async (line, answer) => {
    const terminal = await openPrompt();

    const shown = await typeAndRead(terminal, `${line}\r`, /notes> $/);

    expect(shown).toBe(`${line}\n${shown.slice(line.length + 1, -'notes> '.length)}notes> `);
    expect(shown).toContain(`${line}\n${answer}`);
    await leave(terminal);
  });

  it('does not leave on exit now: says exit takes no arguments, runs the next command, and exit alone then leaves', async () => {
    const terminal = await openPrompt();

    const refused = await typeAndRead(terminal, 'exit now\r', /notes> $/);
    const folders = await typeAndRead(terminal, 'folder add home\r', /notes> $/);
    terminal.type('exit\r');
    const exited = await terminal.exited;

    expect(refused).toBe('exit now\nerror: exit takes no arguments\nnotes> ');
    expect(folders).toBe('folder add home\ncreated folder home\nnotes> ');
    expect(exited).toEqual({ exitCode: 0, signal: 0 });
    expect(terminal.screen()).toContain('Leaving without a backup (--no-backup).');
  });

  it('on Ctrl-Z says it is not supported and shows the prompt again with the line typed so far; the line then runs', async () => {
    const terminal = await openPrompt();
    terminal.type('add "Ctrl-Z');
    await terminal.waitFor(/notes> add "Ctrl-Z$/);

    const refused = await typeAndRead(terminal, '\x1a', /notes> add "Ctrl-Z$/);
    const added = await typeAndRead(terminal, ' test"\r', /notes> $/);

    expect(refused).toBe(
      '\nerror: Ctrl-Z (suspend) is not supported here; leave with exit (your notes are backed up then)\nnotes> add "Ctrl-Z',
    );
    expect(added).toMatch(/^ test"\nadded note \d+\nnotes> $/);
    await leave(terminal);
  });

  it('completes a command on Tab, lists the choices on a second Tab, and the completed line runs', async () => {
    const terminal = await openPrompt();

    const completed = await typeAndRead(terminal, 'fol\t', /folder$/);
    const choices = await typeAndRead(terminal, '\t', /notes> folder$/);
    const flag = await typeAndRead(terminal, 's --j\t', /--json$/);
    const ran = await typeAndRead(terminal, '\r', /notes> $/);

    expect(completed).toBe('folder');
    expect(choices).toMatch(/^\nfolder +folders\n+notes> folder$/);
    expect(flag).toBe('s --json');
    expect(ran).toMatch(/^\n\[/); // the folder tree as JSON
    await leave(terminal);
  });
});

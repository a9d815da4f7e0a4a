import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ROOT, startApiProcess } from '../test/support/apiProcess.js';
import { startNotes } from '../test/support/cliProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { openTerminal } from '../test/support/terminalSession.js';
import { ApiClient } from './notes/ApiClient.js';

/**
 * This process's environment without anything that turns colour on or off: each case says what it wants.
 * `CI` is among them: under `CI=true` (as `.ci/run` runs) Node's `hasColors()` says a terminal has 2 colours.
 */
function environment(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  const colourSwitches = ['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS', 'CI', 'TEAMCITY_VERSION', 'COLORTERM', 'TERM'];
  for (const name of colourSwitches) if (!(name in overrides)) delete env[name];
  return env;
}

/** A highlighted word as node:util's styleText writes it: bold, yellow. */
const highlighted = (word: string) => `\u001b[1m\u001b[33m${word}\u001b[39m\u001b[22m`;

describeWithPostgres('search in the notes binary, against the real API and PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await tempFolder();
    api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir });
    const client = new ApiClient({ baseUrl: api.url });
    const home = await client.createFolder('home', null);
    const groceries = await client.createFolder('groceries', home.id);
    ids.tea = (await client.createNote({ title: 'Milk tea', body: 'black tea' })).id;
    ids.groceries = (await client.createNote({ title: 'Groceries', body: 'milk, eggs,\n oat milk', folderId: groceries.id })).id;
    await client.editTags(ids.groceries, { add: ['shop'] });
    for (let i = 1; i <= 12; i++) await client.createNote({ title: `Lantern ${i}`, body: 'lantern oil' });
  });
  afterAll(async () => {
    await api.stop();
    await removeFolder(dir);
    await database.drop();
  });

  const notes = (args: string[], env: NodeJS.ProcessEnv = { NO_COLOR: '1' }) =>
    startNotes(['--api-url', api.url, ...args], environment(env)).exited;

  it.each([
    [
      ['search', 'milk'],
      () => `${ids.tea}  active  Milk tea\n${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`,
    ],
    [['search', 'oat', 'milk'], () => `${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`],
    [
      ['search', 'milk', '--', '-tea'],
      () => `${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`,
    ],
    [['search', 'milk -tea'], () => `${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`],
    [['search', '"oat milk" eggs'], () => `${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`],
    [['search', '"milk oat"'], () => `no notes match '"milk oat"'\n`],
    [['search', 'milk or lantern', '--limit', '3'], () => /^(\d+ {2}active {2}\S.*\n {12}\S.*\n){3}3 of 14 matches\n$/],
    [
      ['search', 'milk', '--folder', 'home'],
      () => `${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`,
    ],
    [
      ['search', 'milk', '--tag', 'shop'],
      () => `${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`,
    ],
    [['search', 'lantern', '--limit', '2'], () => /^(\d+ {2}active {2}Lantern \d+\n {12}lantern oil\n){2}2 of 12 matches\n$/],
    [['search', 'spaceship'], () => 'no notes match "spaceship"\n'],
  ])('notes %j prints the hits, one per line, a snippet under body matches', async (args, expected) => {
    const { code, stdout, stderr } = await notes(args);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const wanted = expected();
    if (typeof wanted === 'string') expect(stdout).toBe(wanted);
    else expect(stdout).toMatch(wanted);
  });

  it.each([
    [
      ['search', 'the', 'and'],
      1,
      'notes: "the and" has no word to search for: words like "the" or "and" and punctuation are left out; add a more specific word\n',
    ],
    [['search', 'milk', '--limit', '500'], 2, 'notes: --limit takes a whole number from 1 to 100, not "500"\n'],
    [['search', '--tag', 'shop'], 2, 'notes: usage: notes search <words>… [--folder <path>] [--tag <tag>] [--limit <1-100>] [--json]\n'],
    [['notes', '--limit', '5'], 2, 'notes: notes does not take --limit; usage: notes notes [--folder <path>] [--tag <tag>] [--json]\n'],
  ])('notes %j fails with exit %i and says why', async (args, status, message) => {
    const { code, stdout, stderr } = await notes(args);

    expect({ code, stdout, stderr }).toEqual({ code: status, stdout: '', stderr: message });
  });

  it('prints the answer as JSON with --json: the words located by code-point ranges', async () => {
    const { code, stdout } = await notes(['search', 'oat', 'milk', '--json']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      total: 1,
      notes: [
        {
          id: ids.groceries,
          title: 'Groceries',
          titleMatches: [],
          snippet: 'milk, eggs, oat milk',
          snippetMatches: [
            [0, 4],
            [12, 15],
            [16, 20],
          ],
        },
      ],
    });
  });

  it('writes no escape code when its output is piped, NO_COLOR or not', async () => {
    const { code, stdout } = await notes(['search', 'milk'], {});

    expect(code).toBe(0);
    expect(stdout).toContain('Milk tea');
    expect(stdout).not.toContain('\u001b');
  });

  it.each([
    ['highlights the matching words in bold yellow on a terminal', { TERM: 'xterm-256color' }, true],
    ['writes no escape code on a terminal with NO_COLOR', { TERM: 'xterm-256color', NO_COLOR: '1' }, false],
  ])('%s (a real pty)', async (_case, env, coloured) => {
    const terminal = openTerminal(
      process.execPath,
      [join(ROOT, 'dist/cli/notes.js'), '--api-url', api.url, 'search', 'milk'],
      environment(env),
    );

    expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
    expect(terminal.screen()).toBe(
      `${ids.tea}  active  Milk tea\n${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`,
    );
    if (coloured) {
      expect(terminal.written()).toContain(`${highlighted('Milk')} tea`);
      expect(terminal.written()).toContain(`${highlighted('milk')}\u001b[2m, eggs, oat \u001b[22m${highlighted('milk')}`);
    } else {
      expect(terminal.written()).not.toContain('\u001b');
    }
  });

  it('searches at the prompt of the interactive app, a word left out after --, and highlights (a real pty)', async () => {
    const terminal = openTerminal(
      process.execPath,
      [join(ROOT, 'dist/cli/notes.js'), '--api-url', api.url, '--no-backup'],
      environment({ TERM: 'xterm-256color' }),
    );
    await terminal.waitFor(/notes> /);

    terminal.type('search milk -- -tea\r');
    await terminal.waitFor(/oat milk\n/);
    terminal.type('exit\r');

    expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
    expect(terminal.screen()).toContain(
      `search milk -- -tea\n${ids.groceries}  active  Groceries [home/groceries] #shop\n           milk, eggs, oat milk\n`,
    );
    expect(terminal.written()).toContain(`${highlighted('milk')}\u001b[2m, eggs, oat \u001b[22m${highlighted('milk')}`);
  });
});

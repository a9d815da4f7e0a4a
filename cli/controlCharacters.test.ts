import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ROOT, startApiProcess } from '../test/support/apiProcess.js';
import { startNotes } from '../test/support/cliProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { openTerminal } from '../test/support/terminalSession.js';
import { ApiClient } from './notes/ApiClient.js';

const TITLE = '\u001b[31mRED\u001b[0m banana \u001b]0;pwned\u0007';
const BODY = 'x\u001b[2J banana\nsecond line \u009b2J';
const FOLDER = 'evil\u001b[2Jdir';
const TAG = 't\u001b]0;x\u0007ag';
/** ESC, BEL and the C1 CSI: any of them reaching the terminal is the bug (without colour nothing else writes one). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const CONTROL = /[\u001b\u0007\u009b]/;

/*
 * A note, a folder and a tag holding terminal escape sequences, created through the API, then every
 * command of the notes binary that prints them (and the errors that quote them), against the real API
 * and PostgreSQL: no escape, bell or OSC byte reaches stdout or stderr; --json stays exact.
 */
describeWithPostgres('the notes binary never sends a note’s control characters to the terminal', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  let id: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await tempFolder();
    api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir });
    const client = new ApiClient({ baseUrl: api.url });
    const folder = await client.createFolder(FOLDER, null);
    await client.createFolder('plain', null);
    id = String((await client.createNote({ title: TITLE, body: BODY, folderId: folder.id })).id);
    await client.editTags(Number(id), { add: [TAG] });
  });
  afterAll(async () => {
    await api?.stop();
    await removeFolder(dir);
    await database?.drop();
  });

  const notes = (...args: string[]) => startNotes(['--api-url', api.url, ...args], { NO_COLOR: '1' }).exited;

  // In order: the renames and moves leave the data as the next line expects it.
  it.each([
    [['notes'], 0, () => `${id}  active  ␛[31mRED␛[0m banana ␛]0;pwned␇ [evil␛[2Jdir] #t␛]0;x␇ag`],
    [['show', '<id>'], 0, () => `#${id} ␛[31mRED␛[0m banana ␛]0;pwned␇`],
    [['show', '<id>'], 0, () => 'x␛[2J banana\nsecond line �2J'],
    [['folders'], 0, () => 'evil␛[2Jdir  (1 note)'],
    [['search', 'banana'], 0, () => `${id}  active  ␛[31mRED␛[0m banana ␛]0;pwned␇ [evil␛[2Jdir] #t␛]0;x␇ag`],
    [['tag', '<id>', 'more'], 0, () => `note ${id}: added more; tags now: more, t␛]0;x␇ag`],
    [['untag', '<id>', 'more'], 0, () => `note ${id}: removed more; tags now: t␛]0;x␇ag`],
    [['move', '<id>', '--folder', 'plain'], 0, () => `moved to plain: note ${id} from evil␛[2Jdir`],
    [['move', '<id>', '--folder', FOLDER], 0, () => `moved to evil␛[2Jdir: note ${id} from plain`],
    [['folder', 'rename', FOLDER, `${FOLDER}2`], 0, () => 'renamed evil␛[2Jdir to evil␛[2Jdir2'],
    [['notes', '--folder', 'no\u001b[2Jsuch'], 1, () => 'notes: no folder "no␛[2Jsuch" (folders lists them)'],
    [
      ['untag', '<id>', TAG.toUpperCase()],
      1,
      () => `notes: note ${id} has no tag "T␛]0;X␇AG" (did you mean "t␛]0;x␇ag"?); nothing was changed`,
    ],
    // The API's own message quotes the tag as a JSON string.
    [['untag', '<id>', 'x\u001b[2J'], 1, () => `notes: note ${id} has no tag "x\\u001b[2J"; nothing was changed`],
    [['notes', '--tag', `${TAG}x`], 1, () => 'notes: no tag "t␛]0;x␇agx"; did you mean "t␛]0;x␇ag"?'],
    [['search', 'zebra\u001b[2J\u0007'], 0, () => 'no notes match "zebra␛[2J␇"'],
    [['folder', 'rm', `${FOLDER}2`], 0, () => 'removed folder evil␛[2Jdir2; 1 note is now without a folder'],
  ])('notes %j: exit %i, its line shows the characters', async (args, status, shown) => {
    const { code, stdout, stderr } = await notes(...args.map((arg) => (arg === '<id>' ? id : arg)));

    expect(code).toBe(status);
    expect(`${stdout}${stderr}`).toContain(shown());
    expect(stdout).not.toMatch(CONTROL);
    expect(stderr).not.toMatch(CONTROL);
  });

  it.each([
    // The body's U+009B too: JSON.stringify leaves C1 characters as they are; show escapes them.
    [['show', '<id>', '--json'], (out: unknown) => expect(out).toMatchObject({ title: TITLE, body: BODY, tags: [TAG] })],
    [['notes', '--json'], (out: unknown) => expect(out).toMatchObject([{ title: TITLE, tags: [TAG] }])],
    [['search', 'banana', '--json'], (out: unknown) => expect(out).toMatchObject({ notes: [{ title: TITLE, tags: [TAG] }] })],
  ])('notes %j prints the text exactly, as JSON escapes', async (args, check) => {
    const { code, stdout } = await notes(...args.map((arg) => (arg === '<id>' ? id : arg)));

    expect(code).toBe(0);
    expect(stdout).not.toMatch(CONTROL);
    expect(stdout).toContain('\\u001b[31mRED');
    check(JSON.parse(stdout));
  });

  it('the interactive app too, on a real terminal with colour: show, notes, and an error line (a real pty)', async () => {
    const terminal = openTerminal(process.execPath, [join(ROOT, 'dist/cli/notes.js'), '--api-url', api.url, '--no-backup'], {
      ...process.env,
      TERM: 'xterm-256color',
    });
    await terminal.waitFor(/notes> /);

    terminal.type(`show ${id}\r`);
    await terminal.waitFor(/second line/);
    terminal.type('notes\r');
    await terminal.waitFor(/notes> [\s\S]*notes> [\s\S]*notes> /);
    terminal.type(`untag ${id} nothere\r`);
    await terminal.waitFor(/has no tag "nothere"/);
    terminal.type('exit\r');

    expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
    expect(terminal.screen()).toContain('␛[31mRED␛[0m banana ␛]0;pwned␇');
    expect(terminal.screen()).toContain('x␛[2J banana\nsecond line �2J');
    for (const injected of ['\u001b[31mRED', '\u001b]0;', '\u0007', '\u001b[2J', '\u009b']) {
      expect(terminal.written()).not.toContain(injected);
    }
  });
});

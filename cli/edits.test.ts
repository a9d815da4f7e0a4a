import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../test/support/apiProcess.js';
import { startApiProcess } from '../test/support/apiProcess.js';
import { startNotes } from '../test/support/cliProcess.js';
import { rowsOf } from '../test/support/compareDatabases.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';

/*
 * The notes binary's commands that change several things, one-shot, against the real API and
 * PostgreSQL: each prints one line saying exactly what changed, or one error line and changes nothing
 * (every row of every table read again).
 */
describeWithPostgres('tag, untag, move and folder rm in the notes binary: all or nothing, and one line saying what changed', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  const notes = async (...args: string[]) => {
    const { code, stdout, stderr } = await startNotes(['--api-url', api.url, ...args], { NO_COLOR: '1' }).exited;
    return { code, out: stdout.trimEnd(), err: stderr.trimEnd() };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await tempFolder();
    api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir });
    // Notes 1 (in home), 2 (in home/sub) and 3 (no folder).
    for (const line of [
      ['folder', 'add', 'home'],
      ['folder', 'add', 'home/sub'],
      ['add', 'A', '--folder', 'home'],
      ['add', 'B', '--folder', 'home/sub'],
      ['add', 'C'],
    ]) {
      expect((await notes(...line)).code).toBe(0);
    }
  });
  afterAll(async () => {
    await api?.stop();
    await removeFolder(dir);
    await database?.drop();
  });

  // In order: each line starts from what the lines before it left.
  const steps: [string[], { code: number; out: string; err: string }][] = [
    [['tag', '1', 'urgent', 'home'], { code: 0, out: 'note 1: added urgent, home; tags now: home, urgent', err: '' }],
    [['tag', '1', 'urgent', 'work'], { code: 0, out: 'note 1: added work; already had urgent; tags now: home, urgent, work', err: '' }],
    [['untag', '1', 'urgent', 'nothere'], { code: 1, out: '', err: 'notes: note 1 has no tag "nothere"; nothing was changed' }],
    [['tag', '1', 'fine', 'x'.repeat(101)], { code: 1, out: '', err: `notes: tag "${'x'.repeat(39)}…" must be 1 to 100 characters` }],
    [['untag', '1', 'urgent', 'home'], { code: 0, out: 'note 1: removed urgent, home; tags now: work', err: '' }],
    [
      ['move', '1', '2', '3', '--folder', 'home/sub'],
      { code: 0, out: 'moved to home/sub: note 1 from home, note 3 from no folder; note 2 was already there', err: '' },
    ],
    [['move', '1', '99', '98', '--folder', '/'], { code: 1, out: '', err: 'notes: notes 99 and 98 do not exist; nothing was moved' }],
    [['move', '1', '--folder', '/'], { code: 0, out: 'moved to no folder: note 1 from home/sub', err: '' }],
    [
      ['move', '1', '2'],
      { code: 2, out: '', err: 'notes: move needs --folder <path> (or --folder / for no folder), e.g. move 12 13 --folder home' },
    ],
    [['folder', 'rm', 'home'], { code: 0, out: 'removed folder home and 1 sub-folder; 2 notes are now without a folder', err: '' }],
    // A repeated tag or id is harmless: sent once (the API refuses repeats).
    [['tag', '3', 'sport', 'running', 'sport'], { code: 0, out: 'note 3: added sport, running; tags now: running, sport', err: '' }],
    [['move', '1', '1', '--folder', '/'], { code: 0, out: 'nothing moved: note 1 was already in no folder', err: '' }],
    [['untag', '3', 'sport', 'sport'], { code: 0, out: 'note 3: removed sport; tags now: running', err: '' }],
    // Tags are case-sensitive; a tag that exists in another case is named.
    [['tag', '2', 'Sport'], { code: 0, out: 'note 2: added Sport; tags now: Sport', err: '' }],
    [['untag', '2', 'sport'], { code: 1, out: '', err: 'notes: note 2 has no tag "sport" (did you mean "Sport"?); nothing was changed' }],
    [['notes', '--tag', 'sport'], { code: 1, out: '', err: 'notes: no tag "sport"; did you mean "Sport"?' }],
    [['search', 'shoes', '--tag', 'sport'], { code: 1, out: '', err: 'notes: no tag "sport"; did you mean "Sport"?' }],
    [['notes', '--tag', 'nope'], { code: 1, out: '', err: 'notes: no tag "nope" (notes lists the tags of each note)' }],
    [['search', 'shoes', '--tag', 'nope'], { code: 1, out: '', err: 'notes: no tag "nope" (notes lists the tags of each note)' }],
    // An empty answer names its filters.
    [['folder', 'add', 'home'], { code: 0, out: 'created folder home', err: '' }],
    [['notes', '--folder', 'home', '--tag', 'running'], { code: 0, out: 'no notes in home tagged running', err: '' }],
    [['search', 'shoes', '--folder', 'home', '--tag', 'Sport'], { code: 0, out: 'no notes in home tagged Sport match "shoes"', err: '' }],
    [['search', '"meeting board"'], { code: 0, out: `no notes match '"meeting board"'`, err: '' }],
    [['folder', 'rename', 'home', 'office'], { code: 0, out: 'renamed home to office', err: '' }],
    [
      ['tag', '3', 'two words', '#hash'],
      { code: 0, out: 'note 3: added "two words", "#hash"; tags now: "#hash", running, "two words"', err: '' },
    ],
  ];

  it.each(steps)('notes %j', async (args, expected) => {
    const before = await rowsOf(database.url);

    const result = await notes(...args);

    expect(result).toEqual(expected);
    if (expected.code !== 0) expect(await rowsOf(database.url)).toEqual(before);
  });

  it('the hint for a title starting with a dash is a line that adds the note: pasted into bash, and typed at the prompt', async () => {
    const { code, err } = await notes('add', '--', '-x', 'y');
    const hint = /needs quotes: (.*)$/.exec(err)?.[1];
    expect({ code, hint }).toEqual({ code: 2, hint: 'notes add -- "-x y"' });

    // The real bash, with `notes` the binary, as the user's shell has it.
    const script = `notes() { '${process.execPath}' '${join(ROOT, 'dist/cli/notes.js')}' --api-url '${api.url}' "$@"; }\n${hint}\n`;
    const inBash = execFileSync('bash', ['--norc', '--noprofile'], {
      input: script,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(inBash).toMatch(/^added note \d+\n$/);

    const prompt = startNotes(['--api-url', api.url, '--no-backup'], { NO_COLOR: '1' });
    prompt.write('add -- -z w\n');
    await prompt.waitFor(/needs quotes: add -- "-z w"\n/);
    prompt.write('add -- "-z w"\n');
    await prompt.waitFor(/added note \d+\n/);
    prompt.child.stdin!.end();
    expect((await prompt.exited).code).toBe(0);

    const titles = JSON.parse((await notes('notes', '--json')).out).map((note: { title: string }) => note.title);
    expect(titles).toEqual(expect.arrayContaining(['-x y', '-z w']));
  });
});

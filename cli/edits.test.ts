import { afterAll, beforeAll, expect, it } from '@jest/globals';
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
  ];

  it.each(steps)('notes %j', async (args, expected) => {
    const before = await rowsOf(database.url);

    const result = await notes(...args);

    expect(result).toEqual(expected);
    if (expected.code !== 0) expect(await rowsOf(database.url)).toEqual(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { databaseConnection } from '../../db/databaseConnection.js';
import { BackupCreator } from '../dump/BackupCreator.js';
import { PgDumpSource } from '../dump/PgDumpSource.js';
import { BackupManifest, CONTENTS_FILE, SUMS_FILE } from '../folder/BackupManifest.js';
import { contentsOf, DumpScanner } from '../sql/DumpScanner.js';
import { ServerScratch } from './ServerScratch.js';
import { verifyBackup } from './verifyBackup.js';

const SCHEMA = `
  create table public.notes (id int primary key, title text not null, body text default E'CR\\rdefault');
  insert into public.notes select i, 'note ' || i, E'body\\r\\n' || i from generate_series(1, 5) i;
  create function public.shout(t text) returns text language sql as $$ select upper(t) || E'!\\r' $$;
  comment on table public.notes is E'notes, with a CR\\r in the comment';
`;

/** Edits of the dump's text: each returns the damaged dump. */
const swapLines = (text: string, a: RegExp, b: RegExp) => {
  const lines = text.split('\n');
  const i = lines.findIndex((line) => a.test(line));
  const j = lines.findIndex((line) => b.test(line));
  [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  return lines.join('\n');
};
const DAMAGE: [string, (dump: string) => string, RegExp][] = [
  [
    'one changed byte inside a data row',
    (d) => d.replace('3\tnote 3', '3\tnote 4'),
    /TABLE DATA public\.notes \(from line \d+ of the backup\)/,
  ],
  ['a removed row', (d) => d.replace('4\tnote 4\tbody\\r\\n4\n', ''), /TABLE DATA public\.notes \(from line \d+ of the backup\)/],
  [
    'two swapped rows of one table',
    (d) => swapLines(d, /^2\tnote 2/, /^3\tnote 3/),
    /TABLE DATA public\.notes \(from line \d+ of the backup\)/,
  ],
  ['a changed function body', (d) => d.replace('upper(t)', 'lower(t)'), /FUNCTION public\.shout\(text\) \(from line \d+ of the backup\)/],
  [
    'a truncated file',
    (d) => d.slice(0, d.indexOf('COPY public.notes') + 60),
    /it is cut short: it ends at line \d+, in TABLE DATA public\.notes/,
  ],
];

describeWithPostgres('verify: proves content, and names what differs (real pg_dump, psql, PostgreSQL)', () => {
  let source: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let backup: { file: string; path: string };
  let scratch: ServerScratch;

  beforeAll(async () => {
    source = await createTestDatabase('notes_t_vfy');
    await runSql(SCHEMA, source.url);
    dir = await tempFolder('notes-verify-');
    const connection = databaseConnection({ DATABASE_URL: source.url });
    backup = await new BackupCreator({ dir, source: new PgDumpSource({ connection }) }).create();
    scratch = new ServerScratch(connection);
  });
  afterAll(async () => {
    await removeFolder(dir);
    await source.drop();
  });

  /** A folder holding the backup as `dump` says, its manifest as written, and SHA256SUMS either as written or rewritten to match. */
  async function folderWith(dump: string, sums: 'as written' | 'rewritten', sections: 'as written' | 'rewritten' = 'as written') {
    const caseDir = await tempFolder('notes-verify-case-');
    const path = join(caseDir, backup.file);
    await writeFile(path, dump);
    await copyFile(join(dir, CONTENTS_FILE), join(caseDir, CONTENTS_FILE));
    await copyFile(join(dir, SUMS_FILE), join(caseDir, SUMS_FILE));
    if (sums === 'rewritten') {
      await writeFile(join(caseDir, SUMS_FILE), `${createHash('sha256').update(dump).digest('hex')}  ${backup.file}\n`);
    }
    if (sections === 'rewritten') {
      // As if the damaged file were what was written and recorded: only a restore can tell.
      const scanner = new DumpScanner();
      scanner.push(Buffer.from(dump));
      const contents = JSON.parse(await readFile(join(caseDir, CONTENTS_FILE), 'utf8'));
      contents[backup.file] = { ...contents[backup.file], ...contentsOf(scanner.end()) };
      await writeFile(join(caseDir, CONTENTS_FILE), JSON.stringify(contents));
    }
    return { path, manifest: new BackupManifest(caseDir, join(caseDir, 'archive')), remove: () => removeFolder(caseDir) };
  }

  it('proves a backup as written: restored and dumped again, the same bytes (CR in a default, a function body and a comment)', async () => {
    const result = await verifyBackup(backup.path, new BackupManifest(dir, join(dir, 'archive')), scratch);

    expect(result).toMatchObject({ ok: true, problems: [], proved: 'everything', restored: { tables: 1, rows: 5, largeObjects: 0 } });
  });

  describe.each(DAMAGE)('%s', (_what, damage, names) => {
    it.each([
      ['changed alone (SHA256SUMS as written)', 'as written' as const],
      ['changed with its SHA256SUMS line', 'rewritten' as const],
    ])('fails, naming it: %s', async (_how, sums) => {
      const folder = await folderWith(damage(await readFile(backup.path, 'utf8')), sums);
      try {
        const result = await verifyBackup(folder.path, folder.manifest, scratch);

        expect(result.ok).toBe(false);
        expect(result.problems).toHaveLength(1);
        expect(result.problems[0]).toMatch(names);
        expect(result.problems[0]).toMatch(
          sums === 'as written' ? /^its sha256 is not the one recorded/ : /^(it is not what was written|it is cut short)/,
        );
      } finally {
        await folder.remove();
      }
    });
  });

  it('fails a backup that does not restore to itself, even when its checksum and sections were recorded that way', async () => {
    // pg_dump never writes `int`: the server stores the type, and a dump of the restored database says `integer`.
    const wrong = (await readFile(backup.path, 'utf8')).replace('    id integer NOT NULL,', '    id int NOT NULL,');
    const folder = await folderWith(wrong, 'rewritten', 'rewritten');
    try {
      const result = await verifyBackup(folder.path, folder.manifest, scratch);

      expect(result).toMatchObject({ ok: false });
      expect(result.problems).toEqual([
        expect.stringMatching(
          /^it does not restore to what it holds: TABLE public\.notes \(from line \d+ of the backup\) differs in a dump of the restored database$/,
        ),
      ]);
    } finally {
      await folder.remove();
    }
  });
});

import { BackupFolder } from '../folder/BackupFolder.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { databaseConnection } from '../../db/databaseConnection.js';
import { PgliteDumpSource } from '../../db/embedded/PgliteDumpSource.js';
import { BackupCreator } from '../dump/BackupCreator.js';
import type { DumpSource } from '../dump/DumpSource.js';
import { PgDumpSource } from '../dump/PgDumpSource.js';
import { CONTENTS_FILE, SUMS_FILE } from '../folder/BackupManifest.js';
import { contentsOf, DumpScanner } from '../sql/DumpScanner.js';
import { PgliteScratch } from './PgliteScratch.js';
import type { ScratchDatabase } from './ScratchDatabase.js';
import { ServerScratch } from './ServerScratch.js';
import { verifyBackup } from './verifyBackup.js';

/** CR in a default, a function body and a comment; each row one line holding `note <id>`. */
const SCHEMA = `
  create table public.notes (id int primary key, title text not null, body text default E'CR\\rdefault');
  insert into public.notes select i, 'note ' || i, 'body ' || i from generate_series(1, 5) i;
  create function public.shout(t text) returns text language sql as $$ select upper(t) || E'!\\r' $$;
  comment on table public.notes is E'notes, with a CR\\r in the comment';
`;

const swapLines = (text: string, a: RegExp, b: RegExp) => {
  const lines = text.split('\n');
  const i = lines.findIndex((line) => a.test(line));
  const j = lines.findIndex((line) => b.test(line));
  [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  return lines.join('\n');
};
const DATA = /TABLE DATA public\.notes \(from line \d+ of the backup\)/;
/** The same damage to a COPY dump (server) and an INSERT dump (embedded). Each must change the dump, or verify would pass. */
const DAMAGE: [string, (dump: string) => string, RegExp][] = [
  ['one changed byte inside a data row', (d) => d.replace('note 3', 'note 4'), DATA],
  ['a removed row', (d) => d.replace(/^.*note 4.*\n/m, ''), DATA],
  ['two swapped rows of one table', (d) => swapLines(d, /note 2/, /note 3/), DATA],
  ['a changed function body', (d) => d.replace('upper(t)', 'lower(t)'), /FUNCTION public\.shout\(text\) \(from line \d+ of the backup\)/],
  ['a truncated file', (d) => d.slice(0, d.indexOf('note 2') + 3), /it is cut short: it ends at line \d+, in TABLE DATA public\.notes/],
];

interface Path {
  source: DumpSource;
  scratch: ScratchDatabase;
  close: () => Promise<void>;
}
const PATHS: [string, () => Promise<Path>][] = [
  [
    'server path (pg_dump)',
    async () => {
      const database = await createTestDatabase('notes_t_vfy');
      await runSql(SCHEMA, database.url);
      const connection = databaseConnection({ DATABASE_URL: database.url });
      return { source: new PgDumpSource({ connection }), scratch: new ServerScratch(connection), close: database.drop };
    },
  ],
  [
    'embedded path (PGlite)',
    async () => {
      const db = await PGlite.create();
      await db.exec(SCHEMA);
      return { source: new PgliteDumpSource(db, 'notes-vfy'), scratch: new PgliteScratch(), close: () => db.close() };
    },
  ],
];

describeWithPostgres('verify: proves content, and names what differs (real pg_dump and PGlite, psql, PostgreSQL)', () => {
  describe.each(PATHS)('%s', (_path, open) => {
    let path: Path;
    let dir: string;
    let backup: { file: string; path: string };

    beforeAll(async () => {
      path = await open();
      dir = await tempFolder('notes-verify-');
      backup = await new BackupCreator({ folder: new BackupFolder(dir), source: path.source }).create();
    });
    afterAll(async () => {
      await removeFolder(dir);
      await path.close();
    });

    /** A folder holding the backup as `dump` says, its manifest as written, and SHA256SUMS (and the sections) as written or rewritten to match. */
    async function folderWith(dump: string, sums: 'as written' | 'rewritten', sections: 'as written' | 'rewritten' = 'as written') {
      const caseDir = await tempFolder('notes-verify-case-');
      const file = join(caseDir, backup.file);
      await writeFile(file, dump);
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
      return { file, manifest: new BackupFolder(caseDir).manifest, remove: () => removeFolder(caseDir) };
    }

    it('proves a backup as written: restored and dumped again, the same bytes (CR in a default, a function body and a comment)', async () => {
      const result = await verifyBackup(backup.path, new BackupFolder(dir).manifest, path.scratch);

      expect(result).toMatchObject({ ok: true, problems: [], proved: 'everything', restored: { tables: 1, rows: 5, largeObjects: 0 } });
    });

    describe.each(DAMAGE)('%s', (_what, damage, names) => {
      it.each([
        ['changed alone (SHA256SUMS as written)', 'as written' as const],
        ['changed with its SHA256SUMS line', 'rewritten' as const],
      ])('fails, naming it: %s', async (_how, sums) => {
        const original = await readFile(backup.path, 'utf8');
        const damaged = damage(original);
        expect(damaged).not.toBe(original);
        const folder = await folderWith(damaged, sums);
        try {
          const result = await verifyBackup(folder.file, folder.manifest, path.scratch);

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
      const original = await readFile(backup.path, 'utf8');
      const wrong = original.replace('    id integer NOT NULL,', '    id int NOT NULL,');
      expect(wrong).not.toBe(original);
      const folder = await folderWith(wrong, 'rewritten', 'rewritten');
      try {
        const result = await verifyBackup(folder.file, folder.manifest, path.scratch);

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
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, describeWithPostgres } from '../../../test/support/postgres.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { dumpPglite } from './dumpPglite.js';

/** Note bodies holding lines that psql or a dump filter would read as commands, and line endings a text reader would change. */
const BODIES: [string, string][] = [
  ['a \\restrict line', 'before\n\\restrict x\nafter'],
  ['an \\unrestrict line', 'before\n\\unrestrict x\nafter'],
  ['a COPY terminator', 'before\n\\.\nafter'],
  ['a \\connect line', 'before\n\\connect db\nafter'],
  ['a shell escape', 'before\n\\! id\nafter'],
  ['a SET line', 'before\nSET transaction_timeout = 0;\nafter'],
  ['a CR', 'before\rafter'],
  ['CRLF line ends', 'before\r\n\\restrict x\r\nafter\r\n'],
];
/** The title of the note after them: SQL that a dump whose quoting broke would run on restore. */
const CRAFTED_TITLE = "'); CREATE TABLE public.pwned (); --";

/** `id`, md5 of the title, md5 of the body, for every note: equal rows mean equal bytes. */
const ROW_HASHES = 'select id, md5(title) as title, md5(body) as body from public.notes order by id';

describe('dumpPglite (real PGlite, the real WASM pg_dump)', () => {
  let db: PGlite;
  let dump: Buffer;

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec('create table public.notes (id integer primary key, title text not null, body text not null)');
    for (const [index, [title, body]] of BODIES.entries()) {
      await db.query('insert into public.notes values ($1, $2, $3)', [index + 1, title, body]);
    }
    await db.query('insert into public.notes values ($1, $2, $3)', [BODIES.length + 1, CRAFTED_TITLE, 'after']);
    dump = await dumpPglite(db);
  });
  afterAll(() => db.close());

  it.each(BODIES)('keeps a note holding %s exactly as stored, byte for byte', (_what, body) => {
    expect(dump.includes(Buffer.from(`'${body}'`, 'utf8'))).toBe(true);
  });

  it("keeps pg_dump's own \\restrict line at the top and its \\unrestrict line at the end, with one key", () => {
    const lines = dump.toString('latin1').split('\n');
    const restrict = lines.findIndex((line) => line.startsWith('\\restrict '));
    const unrestrict = lines.findLastIndex((line) => line.startsWith('\\unrestrict '));

    expect(restrict).toBeLessThan(lines.indexOf('SET statement_timeout = 0;'));
    expect(lines.slice(unrestrict + 1).join('')).toBe('');
    const key = lines[restrict]!.slice('\\restrict '.length);
    expect(key).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(lines[unrestrict]).toBe(`\\unrestrict ${key}`);
  });

  it('leaves the session as it found it: writable, its search_path, no prepared statements, a second dump alike', async () => {
    await db.exec('set search_path to "$user", public');

    const again = await dumpPglite(db);

    expect(db.isInTransaction()).toBe(false);
    expect((await db.query<{ search_path: string }>('show search_path')).rows[0]!.search_path).toBe('"$user", public');
    expect((await db.query('select name from pg_prepared_statements')).rows).toEqual([]);
    await db.exec('create table public.scratch (x int); drop table public.scratch');
    // Only the random \restrict key differs between two dumps of an unchanged database.
    const withoutKeys = (text: Buffer) => text.toString('latin1').replace(/^\\(un)?restrict \S+$/gm, '');
    expect(withoutKeys(again)).toBe(withoutKeys(dump));
  });

  describeWithPostgres('restored with the real psql onto the PostgreSQL here', () => {
    it('gives back every note byte for byte and runs none of their text', async () => {
      const folder = await tempFolder('h-embedded-dump-');
      const restored = await createTestDatabase('h_embedded_dump');
      try {
        const file = join(folder, 'dump.sql');
        await writeFile(file, forServer(dump, await serverVersion(restored.url)));

        execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-d', restored.url, '-f', file], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });

        const expected = (await db.query(ROW_HASHES)).rows;
        expect(await query(restored.url, ROW_HASHES)).toEqual(expected);
        expect(expected).toHaveLength(BODIES.length + 1);
        expect(await query(restored.url, "select relname from pg_class where relname = 'pwned'")).toEqual([]);
      } finally {
        await restored.drop();
        await removeFolder(folder);
      }
    });
  });
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function serverVersion(url: string): Promise<number> {
  const [row] = (await query(url, 'show server_version_num')) as { server_version_num: string }[];
  return Number(row!.server_version_num);
}

/**
 * The WASM pg_dump is PostgreSQL 18's: before 17 a server rejects the preamble's one
 * `SET transaction_timeout = 0;`. Left out there — in the preamble only, as `db-backup restore` does —
 * so that the rest restores under ON_ERROR_STOP; a note holding that line keeps it.
 */
function forServer(dump: Buffer, version: number): Buffer {
  if (version >= 170000) return dump;
  const line = Buffer.from('\nSET transaction_timeout = 0;\n');
  const at = dump.indexOf(line);
  const firstObject = dump.indexOf('\n-- Name: ');
  if (at < 0 || firstObject < 0 || at > firstObject) throw new Error('no transaction_timeout line in the dump preamble');
  return Buffer.concat([dump.subarray(0, at + 1), dump.subarray(at + line.length)]);
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { DumpLexer } from './DumpLexer.js';
import { DumpScanner } from './DumpScanner.js';
import { createTestDatabase, describeWithPostgres, runSql } from '../../../test/support/postgres.js';

/** Each line's kind, as the lexer says it. */
const kindsOf = (text: string) => {
  const lexer = new DumpLexer();
  return text.split('\n').map((line) => [line, lexer.kind(Buffer.from(line, 'latin1')), lexer.copyTable] as const);
};

describe('DumpLexer: a COPY whose quoted names hold newlines (pg_dump 15 writes it over several lines)', () => {
  it.each([
    [
      'a table named "multi\\nline"',
      'COPY public."multi\nline" (id) FROM stdin;\n1\n2\n\\.\nSELECT 1;',
      ['sql', 'copy', 'data', 'data', 'data', 'sql'],
      'public."multi\nline"',
    ],
    [
      'a table and a column with newlines, data that looks like a COPY',
      'COPY public."two\nnew\nlines" ("col\numn", b) FROM stdin;\n1\tx\\ny\n2\tCOPY public.t (id) FROM stdin;\n\\.\nSELECT 1;',
      ['sql', 'quoted', 'quoted', 'copy', 'data', 'data', 'data', 'sql'],
      'public."two\nnew\nlines"',
    ],
  ])('%s', (_what, dump, kinds, table) => {
    const seen = kindsOf(dump);

    expect(seen.map(([, kind]) => kind)).toEqual(kinds);
    expect(seen.find(([, kind]) => kind === 'copy')?.[2]).toBe(table);
  });

  it('gives the whole COPY statement, its lines joined', () => {
    const lexer = new DumpLexer();
    for (const line of ['COPY public."multi', 'line" (id) FROM stdin;']) lexer.kind(Buffer.from(line));

    expect(lexer.copyStatement).toBe('COPY public."multi\nline" (id) FROM stdin;');
  });

  it('a CREATE TABLE named across lines is SQL, not a COPY', () => {
    expect(kindsOf('CREATE TABLE public."multi\nline" (\n    id integer\n);').map(([, kind]) => kind)).toEqual([
      'sql',
      'quoted',
      'sql',
      'sql',
    ]);
  });
});

describeWithPostgres('DumpScanner on the real pg_dump of tables named across lines', () => {
  let source: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    source = await createTestDatabase('h_scan_multiline');
    await runSql(
      `create table "multi\nline" (id int); insert into "multi\nline" values (1), (2);
       create table "two\nnew\nlines" ("col\numn" int, b text);
       insert into "two\nnew\nlines" values (1, e'x\\ny'), (2, 'COPY public.t (id) FROM stdin;'), (3, '\\.');`,
      source.url,
    );
  });
  afterAll(() => source?.drop());

  it.each([
    ['COPY blocks', [], false],
    ['INSERT statements (--inserts)', ['--inserts'], true],
  ])('%s: rows counted, complete', (_what, flags, usesInserts) => {
    const dump = execFileSync('pg_dump', [...flags, source.url], { maxBuffer: 1 << 26 });
    const scanner = new DumpScanner();
    scanner.push(dump);
    const facts = scanner.end();

    expect(facts).toMatchObject({
      rows: { 'public."multi\nline"': 2, 'public."two\nnew\nlines"': 3 },
      complete: true,
      usesInserts,
    });
  });
});

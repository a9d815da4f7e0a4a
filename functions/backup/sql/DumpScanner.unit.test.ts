import { describe, expect, it } from '@jest/globals';
import { DumpScanner } from './DumpScanner.js';

const scan = (dump: string | Buffer) => {
  const scanner = new DumpScanner();
  scanner.push(Buffer.isBuffer(dump) ? dump : Buffer.from(dump));
  return scanner.end();
};
const count = (dump: string) => scan(dump);

describe('DumpScanner: the rows a plain dump holds, as pg_dump writes them', () => {
  it.each([
    ['COPY blocks', 'COPY public.notes (id, title) FROM stdin;\n1\ta\n2\tb\n\\.', { 'public.notes': 2 }],
    ['an empty COPY block', 'COPY public.notes (id) FROM stdin;\n\\.', { 'public.notes': 0 }],
    ['a table name with spaces and quotes', 'COPY public."my ""odd"" table" (id) FROM stdin;\n1\n\\.', { 'public."my ""odd"" table"': 1 }],
    ['a table without columns', 'COPY public.nocols  FROM stdin;\n\n\n\\.', { 'public.nocols': 2 }],
    ['INSERT statements', "INSERT INTO public.notes VALUES (1, 'a');\nINSERT INTO public.notes VALUES (2, 'b');", { 'public.notes': 2 }],
    [
      'a note whose text holds newlines and SQL',
      "INSERT INTO public.notes VALUES (1, 'hello\nINSERT INTO public.notes junk\nCOPY public.folders (id) FROM stdin;\nit''s\nbye');\nINSERT INTO public.notes VALUES (2, 'x');",
      { 'public.notes': 2 },
    ],
    [
      "a table named with a quote (it's)",
      `INSERT INTO public."it's" VALUES (1);\nINSERT INTO public."it's" VALUES (2);`,
      { 'public."it\'s"': 2 },
    ],
    [
      'a function body that holds INSERT and COPY lines',
      "CREATE FUNCTION public.f() RETURNS void AS $_$\nINSERT INTO public.notes VALUES (1);\nCOPY public.notes (id) FROM stdin;\n$_$;\nINSERT INTO public.notes VALUES (3, 'y');",
      { 'public.notes': 1 },
    ],
  ])('%s', (_what, dump, rows) => {
    expect(count(dump).rows).toEqual(rows);
  });

  it('counts large objects, and the same when fed in chunks split anywhere', () => {
    const dump = "SELECT pg_catalog.lo_create('16400');\nCOPY public.t (v) FROM stdin;\nä\n€\n\\.\nSELECT pg_catalog.lo_create('16401');\n";
    const whole = count(dump);
    const bytes = Buffer.from(dump);
    for (const size of [1, 2, 3, 7]) {
      const chunked = new DumpScanner();
      for (let i = 0; i < bytes.length; i += size) chunked.push(bytes.subarray(i, i + size));
      expect(chunked.end()).toEqual(whole);
    }
    expect(whole).toMatchObject({ rows: { 'public.t': 2 }, largeObjects: 2 });
  });
});

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

/** pg_dump 15's preamble, as it wrote it here, from `server` with pg_dump `client`. */
const preamble = (server: string, client: string, timeout = '0') =>
  [
    '--',
    '-- PostgreSQL database dump',
    '--',
    '',
    '\\restrict ZFXwIHeP4rNrAjpT2y6qg7UiY1ZRFsCvrQtZlaco8QfHIj7sRqf43ly1x8qKwe6',
    '',
    `-- Dumped from database version ${server}`,
    `-- Dumped by pg_dump version ${client}`,
    '',
    `SET statement_timeout = ${timeout};`,
    "SET client_encoding = 'UTF8';",
    "SELECT pg_catalog.set_config('search_path', '', false);",
    '',
    '--',
    '-- Name: notes; Type: TABLE; Schema: public; Owner: postgres',
    '--',
    '',
  ].join('\n');

describe("DumpScanner: the preamble's digest leaves out which server and pg_dump wrote it", () => {
  const digestOf = (dump: string) => scan(dump).sections.find((section) => section.title === 'preamble')!.digest;
  const base = preamble('15.20 (Debian 15.20-0+deb12u1)', '15.20 (Debian 15.20-0+deb12u1)');

  it.each([
    ['a minor server upgrade', preamble('15.21 (Debian 15.21-0+deb12u1)', '15.20 (Debian 15.20-0+deb12u1)')],
    ['another pg_dump build', preamble('15.20 (Debian 15.20-0+deb12u1)', '15.20 (Ubuntu 15.20-1.pgdg22.04+1)')],
    ['a disaster-recovery server', preamble('15.8', '15.8')],
  ])('%s: the same digest', (_what, other) => {
    expect(digestOf(other)).toBe(digestOf(base));
  });

  it('any other preamble line still counts', () => {
    expect(digestOf(preamble('15.20 (Debian 15.20-0+deb12u1)', '15.20 (Debian 15.20-0+deb12u1)', '5'))).not.toBe(digestOf(base));
  });

  it('still reads which pg_dump wrote it, also when fed in chunks split anywhere', () => {
    const bytes = Buffer.from(preamble('15.21', '15.20 (Debian 15.20-0+deb12u1)'));
    const whole = scan(bytes);
    for (const size of [1, 5, 13]) {
      const chunked = new DumpScanner();
      for (let i = 0; i < bytes.length; i += size) chunked.push(bytes.subarray(i, i + size));
      expect(chunked.end()).toEqual(whole);
    }
    expect(whole.dumpedBy).toBe('15.20 (Debian 15.20-0+deb12u1)');
    expect(digestOf(preamble('15.21', '15.20 (Debian 15.20-0+deb12u1)'))).toBe(digestOf(base));
  });
});

describe('DumpScanner: the roles a brand-new server needs, from the lines pg_dump 15 writes', () => {
  it.each([
    ['a one-line policy', 'CREATE POLICY p ON public.t FOR SELECT TO h_pol USING (true);', ['h_pol']],
    [
      'a policy for two roles, WITH CHECK',
      'CREATE POLICY p2 ON public.t FOR INSERT TO h_pol, h_pol2 WITH CHECK (true);',
      ['h_pol', 'h_pol2'],
    ],
    ['a policy with no expression', 'CREATE POLICY p3 ON public.t TO h_pol;', ['h_pol']],
    [
      'a restrictive policy, a quoted role',
      'CREATE POLICY p6 ON public.t AS RESTRICTIVE FOR UPDATE TO h_pol, "h weird" USING (true);',
      ['h weird', 'h_pol'],
    ],
    ['a policy for PUBLIC (no TO)', 'CREATE POLICY p5 ON public.t USING (true);', []],
    [
      'a policy whose expression names a role-like word',
      "CREATE POLICY p7 ON public.t FOR SELECT TO h_pol USING ((current_user = 'TO h_not'::name));",
      ['h_pol'],
    ],
    [
      'a policy and table named across lines',
      'CREATE POLICY "pol\nnl" ON public."multi\nline" FOR SELECT TO h_pol2 USING (true);',
      ['h_pol2'],
    ],
    ['TO on its own line', 'CREATE POLICY p ON public.t\n  FOR SELECT\n  TO h_pol\n  USING (true);', ['h_pol']],
    [
      'default privileges in a schema',
      'ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT ON TABLES  TO h_dpg;',
      ['h_dpg', 'postgres'],
    ],
    [
      'default privileges WITH GRANT OPTION',
      'ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT INSERT ON TABLES  TO h_pol WITH GRANT OPTION;',
      ['h_pol', 'postgres'],
    ],
    [
      'default privileges, a quoted grantee',
      'ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT USAGE ON SEQUENCES  TO "h weird";',
      ['h weird', 'postgres'],
    ],
    ['default privileges revoked', 'ALTER DEFAULT PRIVILEGES FOR ROLE h_dpg REVOKE ALL ON TABLES  FROM h_dpg;', ['h_dpg']],
    ['default privileges revoked from PUBLIC', 'ALTER DEFAULT PRIVILEGES FOR ROLE h_dpg REVOKE ALL ON FUNCTIONS  FROM PUBLIC;', ['h_dpg']],
    ['a grant', 'GRANT ALL ON FUNCTION public.f() TO h_pol;', ['h_pol']],
    ['an owner of a table named across lines', 'ALTER TABLE public."multi\nline" OWNER TO h_own;', ['h_own']],
  ])('%s', (_what, lines, roles) => {
    expect(scan(`${lines}\n`).roles).toEqual(roles);
  });
});

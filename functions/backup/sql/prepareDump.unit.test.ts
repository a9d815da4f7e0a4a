import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { prepareDump, type DumpTarget } from './prepareDump.js';

const PREAMBLE = [
  '--',
  '-- PostgreSQL database dump',
  '--',
  '',
  '\\restrict KEY1',
  '',
  '-- Dumped from database version 17.5',
  '',
  'SET statement_timeout = 0;',
  'SET transaction_timeout = 0;',
  "SET client_encoding = 'UTF8';",
  "SELECT pg_catalog.set_config('search_path', '', false);",
  '',
];
const END = ['--', '-- PostgreSQL database dump complete', '--', '', '\\unrestrict KEY1', ''];

/** Runs `dump` through prepareDump in chunks of `size` bytes; returns the output's lines. */
async function prepared(dump: Buffer, target: DumpTarget, size = 7): Promise<Buffer> {
  const chunks = [];
  for (let i = 0; i < dump.length; i += size) chunks.push(dump.subarray(i, i + size));
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks).pipe(prepareDump(target))) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

const psql: DumpTarget = { knownSettings: new Set(['statement_timeout', 'client_encoding']), runsMetaCommands: true };
const pglite: DumpTarget = { ...psql, runsMetaCommands: false };

describe('prepareDump: only what a restore must change, only where pg_dump put it', () => {
  const body = [
    '--',
    '-- Name: notes; Type: TABLE; Schema: public; Owner: postgres',
    '--',
    '',
    // A note's text (--inserts) that holds every line a careless rewrite would touch, with CR and CRLF.
    "INSERT INTO public.notes VALUES (1, 'x",
    'SET transaction_timeout = 0;',
    '\\restrict KEY1',
    '\\unrestrict KEY1',
    '-- PostgreSQL database dump complete',
    '\\unrestrict KEY1',
    'caf\u00e9\r\r',
    "');",
    'COPY public.t (v) FROM stdin;',
    'SET transaction_timeout = 0;',
    '\\unrestrict KEY1',
    '\\.',
    '',
  ];
  const dump = Buffer.concat([Buffer.from([...PREAMBLE, ...body, ...END].join('\n')), Buffer.from([0xff, 0xfe, 0x0d])]);

  it.each([
    ['psql (runs meta-commands)', psql, ['SET transaction_timeout = 0;']],
    ['PGlite (no meta-commands)', pglite, ['\\restrict KEY1', 'SET transaction_timeout = 0;', '\\unrestrict KEY1']],
  ])('for %s, comments out exactly the lines it must, keeping every other byte and the line count', async (_what, target, changed) => {
    const out = await prepared(dump, target);

    const before = dump.toString('latin1').split('\n');
    const after = out.toString('latin1').split('\n');
    expect(after).toHaveLength(before.length);
    const differing = before.flatMap((line, i) => (line === after[i] ? [] : [{ line, now: after[i] }]));
    // Only preamble lines and the very last \unrestrict: never the copies inside the note or the COPY block.
    expect(differing.map((d) => d.line)).toEqual(changed);
    for (const { line, now } of differing)
      expect(now).toMatch(new RegExp(`^-- \\(left out by restore: [^)]+\\) ${line.replace(/\\/g, '\\\\')}$`));
    expect(out.subarray(-3)).toEqual(Buffer.from([0xff, 0xfe, 0x0d]));
  });

  it('passes a dump through unchanged when nothing needs changing, whatever the chunking', async () => {
    const plain = Buffer.from([...PREAMBLE.filter((line) => !line.includes('transaction_timeout')), 'SELECT 1;', ...END].join('\n'));
    for (const size of [1, 3, 64, 1 << 16]) expect(await prepared(plain, psql, size)).toEqual(plain);
  });
});

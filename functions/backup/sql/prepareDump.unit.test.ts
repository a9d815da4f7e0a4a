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

const target: DumpTarget = { knownSettings: new Set(['statement_timeout', 'client_encoding']) };

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
  // Bytes that are no UTF-8 at all, inside the note: they pass as they are.
  const highBytes = Buffer.from([0xff, 0xfe, 0x0d]);
  const dump = Buffer.from(
    [...PREAMBLE, ...body, ...END].join('\n').replace('caf\u00e9', `caf\u00e9${highBytes.toString('latin1')}`),
    'latin1',
  );

  it.each([[1], [7], [4096], [1 << 16]])(
    'comments out exactly the lines it must, keeping every other byte and the line count (chunks of %d bytes)',
    async (size) => {
      const changed = ['\\restrict KEY1', 'SET transaction_timeout = 0;', '\\unrestrict KEY1'];
      const out = await prepared(dump, target, size);

      const before = dump.toString('latin1').split('\n');
      const after = out.toString('latin1').split('\n');
      expect(after).toHaveLength(before.length);
      const differing = before.flatMap((line, i) => (line === after[i] ? [] : [{ line, now: after[i] }]));
      // Only preamble lines and the very last \unrestrict: never the copies inside the note or the COPY block.
      expect(differing.map((d) => d.line)).toEqual(changed);
      for (const { line, now } of differing)
        expect(now).toMatch(new RegExp(`^-- \\(left out by restore: [^)]+\\) ${line.replace(/\\/g, '\\\\')}$`));
      expect(out.includes(highBytes)).toBe(true);
    },
  );

  it('passes a dump through unchanged when nothing needs changing, whatever the chunking', async () => {
    const plain = Buffer.from(
      [
        ...PREAMBLE.filter((line) => !line.includes('transaction_timeout') && !line.includes('restrict')),
        'SELECT 1;',
        ...END.slice(0, 4),
      ].join('\n'),
    );
    for (const size of [1, 3, 64, 1 << 16]) expect(await prepared(plain, target, size)).toEqual(plain);
  });
});

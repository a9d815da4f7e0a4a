import fc from 'fast-check';

/**
 * Lines and pieces that have broken dump tools in the field: psql meta-commands, COPY's end marker,
 * SQL that a broken restore would run, pg_dump's own comments, quotes of every kind.
 */
const HOSTILE_PIECES = [
  '\\restrict x',
  '\\unrestrict x',
  '\\restrict abcDEF123',
  '\\.',
  '\\connect db',
  '\\c postgres',
  '\\! id',
  '\\copy t from program',
  'SET transaction_timeout = 0;',
  "SET client_encoding = 'LATIN1';",
  "COPY (SELECT 1) TO PROGRAM 'id';",
  'CREATE ROLE evil SUPERUSER;',
  "INSERT INTO public.rt VALUES (99, 99, 'x');",
  'COPY public.rt (id, title) FROM stdin;',
  '-- PostgreSQL database dump complete',
  '-- PostgreSQL database dump',
  '-- Name: rt; Type: TABLE; Schema: public; Owner: postgres',
  '-- Data for Name: rt; Type: TABLE DATA; Schema: public; Owner: postgres',
  "'",
  "''",
  '"',
  '$$',
  '$_$',
  '$body$',
  '\\',
  '\\\\',
  '\\N',
  '\r',
  '\r\n',
  '\n',
  '\t',
  '\u2028',
  '\u2029',
  'é',
  '☕',
  '𝄞',
  ';',
  '--',
  '/*',
];

/** A hostile piece, or a short arbitrary string (any code point PostgreSQL text can hold: no NUL). */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);

/** Text for a note: hostile pieces, often each on a line of its own, now and then one very long line. */
export const hostileText = fc
  .oneof(
    { weight: 8, arbitrary: fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')) },
    { weight: 8, arbitrary: fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('\n')) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('x', 'é', "'", '\\'), fc.integer({ min: 5_000, max: 70_000 })).map(([c, n]) => c.repeat(n)),
    },
  )
  .map((text) => text.replaceAll(String.fromCharCode(0), ''));

/** Rows of a table of notes: a title and a body each, in order. */
export const hostileRows = fc.array(fc.record({ title: hostileText, body: fc.option(hostileText, { nil: null }) }), {
  minLength: 1,
  maxLength: 6,
});

import { Transform } from 'node:stream';

/** What the server a dump is restored into can take. */
export interface DumpTarget {
  /** The server's settings (`pg_settings`): a preamble `SET` of any other is left out. */
  knownSettings: ReadonlySet<string>;
}

const NEWLINE = Buffer.from('\n');
const LEFT_OUT = Buffer.from('-- (left out by restore: unknown to this server) ');
const META_LEFT_OUT = Buffer.from("-- (left out by restore: pg_dump's own restrict key) ");
const PREAMBLE_SET = /^SET ([a-z_.]+) = .*;$/;
const SECTION = /^-- (?:Data for )?Name: /;
const UNRESTRICT = /^\\unrestrict [A-Za-z0-9]+$/;
/** The end of the stream held back until its end, to find pg_dump's closing `\unrestrict` line in it. */
const TAIL_BYTES = 4096;

/**
 * The dump as a restore must feed it: pg_dump's bytes, unchanged but for the lines a restore must
 * change, and only where pg_dump put them. In the preamble (before the first object), a `SET` of a
 * setting the target lacks (PostgreSQL 17's `transaction_timeout` on 15) and pg_dump's `\restrict`
 * line become comments; so does its `\unrestrict` line, the last line of a complete dump (the restore
 * runs under a key of its own instead: see runPsql). A line becomes a comment (`-- …` before its
 * bytes) rather than going, so line numbers in errors stay the file's. Only for complete dumps (their
 * last non-empty line is that `\unrestrict`, as DumpScanner checked). After the preamble, the chunks
 * pass as they come, the last 4 KiB held back to the end.
 */
export function prepareDump(target: DumpTarget): Transform {
  let inPreamble = true;
  let restrictSeen = false;
  let pending = Buffer.alloc(0);

  const preambleLine = (line: Buffer): Buffer => {
    const text = line.toString('latin1');
    if (SECTION.test(text) || !isPreambleLine(text)) {
      inPreamble = false;
      return line;
    }
    const set = PREAMBLE_SET.exec(text);
    if (set && !target.knownSettings.has(set[1]!)) return Buffer.concat([LEFT_OUT, line]);
    if (text.startsWith('\\restrict ') && !restrictSeen) {
      restrictSeen = true;
      return Buffer.concat([META_LEFT_OUT, line]);
    }
    return line;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const out: Buffer[] = [];
      let start = 0;
      while (inPreamble) {
        const newline = data.indexOf(0x0a, start);
        if (newline === -1) break;
        out.push(preambleLine(data.subarray(start, newline)), NEWLINE);
        start = newline + 1;
      }
      // Past the preamble: everything but the tail goes through as it is.
      const keep = inPreamble ? data.length - start : Math.min(TAIL_BYTES, data.length - start);
      out.push(data.subarray(start, data.length - keep));
      pending = Buffer.from(data.subarray(data.length - keep));
      done(null, Buffer.concat(out));
    },
    flush(done) {
      // The tail: its last non-empty line is pg_dump's `\unrestrict` in a complete dump.
      if (inPreamble) return done(null, pending.length > 0 ? preambleLine(pending) : undefined);
      const lines = pending.toString('latin1').split('\n');
      let last = lines.length - 1;
      while (last > 0 && lines[last] === '') last--;
      if (UNRESTRICT.test(lines[last] ?? '')) lines[last] = `${META_LEFT_OUT.toString('latin1')}${lines[last]}`;
      done(null, Buffer.from(lines.join('\n'), 'latin1'));
    },
  });
}

/** The lines pg_dump writes before the first object: comments, blank lines, settings, `\restrict`. */
function isPreambleLine(text: string): boolean {
  return (
    text === '' ||
    text.startsWith('--') ||
    PREAMBLE_SET.test(text) ||
    text.startsWith("SELECT pg_catalog.set_config('search_path', ") ||
    text.startsWith('\\restrict ')
  );
}

import { Transform } from 'node:stream';
import { DumpLexer } from './DumpLexer.js';

/** What the server or program a dump is restored with can take. */
export interface DumpTarget {
  /** The server's settings (`pg_settings`): a preamble `SET` of any other is left out. */
  knownSettings: ReadonlySet<string>;
  /** psql runs meta-commands (`\restrict`); a server fed statements directly (PGlite) does not. */
  runsMetaCommands: boolean;
}

const NEWLINE = Buffer.from('\n');
const LEFT_OUT = Buffer.from('-- (left out by restore: unknown to this server) ');
const META_LEFT_OUT = Buffer.from('-- (left out by restore: a psql meta-command) ');
const PREAMBLE_SET = /^SET ([a-z_.]+) = .*;$/;
const END_MARKER = '-- PostgreSQL database dump complete';
const SECTION = /^-- (?:Data for )?Name: /;

/**
 * The dump as the target must get it: pg_dump's bytes, unchanged but for the lines a restore must
 * change, and only where pg_dump put them. In the preamble (before the first object), a `SET` of a
 * setting the target lacks (PostgreSQL 17's `transaction_timeout` on 15) becomes a comment; for a target
 * that runs no meta-commands, so do pg_dump's `\restrict` line in the preamble and its `\unrestrict` line
 * after the completion marker. A line becomes a comment (`-- …` before its bytes) rather than going, so
 * line numbers in errors stay the file's. Nothing else is looked at twice: after the preamble, a psql
 * target gets the chunks as they come.
 */
export function prepareDump(target: DumpTarget): Transform {
  let inPreamble = true;
  let restrictSeen = false;
  let ended = false;
  let pending = Buffer.alloc(0);
  // After the preamble, only a target without meta-commands needs the lines followed (to find the end).
  const lexer = new DumpLexer();
  const passThrough = () => !inPreamble && target.runsMetaCommands;

  const prepare = (line: Buffer): Buffer => {
    if (inPreamble) {
      const text = line.toString('latin1');
      const set = PREAMBLE_SET.exec(text);
      if (SECTION.test(text) || !isPreambleLine(text)) {
        inPreamble = false;
      } else if (set && !target.knownSettings.has(set[1]!)) {
        return Buffer.concat([LEFT_OUT, line]);
      } else if (text.startsWith('\\restrict ') && !restrictSeen) {
        restrictSeen = true;
        return target.runsMetaCommands ? line : Buffer.concat([META_LEFT_OUT, line]);
      } else {
        return line;
      }
      if (target.runsMetaCommands) return line;
    }
    if (lexer.kind(line) !== 'sql') return line;
    const text = line.toString('latin1');
    if (text === END_MARKER) ended = true;
    else if (ended && text.startsWith('\\unrestrict ')) return Buffer.concat([META_LEFT_OUT, line]);
    return line;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (passThrough()) return done(null, chunk);
      const data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const out: Buffer[] = [];
      let start = 0;
      for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, start)) {
        out.push(prepare(data.subarray(start, newline)), NEWLINE);
        start = newline + 1;
        if (passThrough()) {
          out.push(data.subarray(start));
          start = data.length;
          break;
        }
      }
      pending = Buffer.from(data.subarray(start));
      done(null, Buffer.concat(out));
    },
    flush(done) {
      // A last line without a newline stays without one.
      done(null, pending.length > 0 ? prepare(pending) : undefined);
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

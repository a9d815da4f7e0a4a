import { StringDecoder } from 'node:string_decoder';

/** What a plain dump holds: rows per table (`schema.table` as pg_dump names it) and large objects. */
export interface DumpContents {
  rows: Record<string, number>;
  largeObjects: number;
}

/**
 * What a line of a plain dump is: a `COPY … FROM stdin;` line, a data line of a COPY block (or its
 * `\.`), a line that continues a quoted string or a dollar-quoted body (text, not SQL: a note's
 * body, a function's body), or an SQL line.
 */
export type LineKind = 'copy' | 'data' | 'quoted' | 'sql';

/** An identifier as pg_dump writes it: plain, or double-quoted with `""` for a quote (spaces and dots allowed). */
const IDENT = String.raw`(?:"(?:[^"]|"")*"|[^\s".()]+)`;
/** `COPY public.notes (id, title) FROM stdin;`, `COPY public."my table" (…)`, `COPY public.nocols  FROM stdin;` (no columns). */
const COPY = new RegExp(String.raw`^COPY (${IDENT}\.${IDENT}) +(?:\(.*\) +)?FROM stdin;$`);
const INSERT = new RegExp(String.raw`^INSERT INTO (${IDENT}\.${IDENT}) `);

/**
 * Counts the rows a plain dump holds as its text goes by — each `COPY … FROM stdin` block's lines and
 * each `INSERT INTO` statement — and its large objects, in constant memory. It follows quoted
 * strings and dollar-quoted bodies across lines, so a note whose text holds a newline followed by
 * `INSERT INTO …` or `COPY …` is text, not a statement. Fed whole lines (`line`) or raw chunks of the
 * file as they are written (`push`, then `end`), so the dump is read only once.
 */
export class RowCounter {
  readonly rows: Record<string, number> = {};
  largeObjects = 0;
  private copying: string | undefined;
  /** Inside a '…' string or a "…" identifier, or the tag of the $tag$ body being read. */
  private inQuote: "'" | '"' | undefined;
  private dollarTag: string | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  /** Counts one line and says what it was. */
  line(line: string): LineKind {
    if (this.copying !== undefined) {
      if (line === '\\.') this.copying = undefined;
      else this.rows[this.copying] = (this.rows[this.copying] ?? 0) + 1;
      return 'data';
    }
    const continues = this.inQuote !== undefined || this.dollarTag !== undefined;
    if (!continues) {
      const copy = COPY.exec(line);
      if (copy) {
        this.copying = copy[1]!;
        this.rows[this.copying] ??= 0;
        return 'copy';
      }
      const insert = INSERT.exec(line);
      if (insert) this.rows[insert[1]!] = (this.rows[insert[1]!] ?? 0) + 1;
      else if (line.startsWith('SELECT pg_catalog.lo_create(')) this.largeObjects++;
    }
    this.follow(line);
    return continues ? 'quoted' : 'sql';
  }

  push(chunk: Buffer): void {
    const lines = (this.rest + this.decoder.write(chunk)).split('\n');
    this.rest = lines.pop()!;
    for (const line of lines) this.line(line);
  }

  end(): DumpContents {
    const last = this.rest + this.decoder.end();
    if (last) this.line(last);
    this.rest = '';
    return { rows: this.rows, largeObjects: this.largeObjects };
  }

  /** Tracks '…' strings and "…" identifiers (a doubled quote stays inside), $tag$ bodies and -- comments through one line. */
  private follow(line: string): void {
    for (let i = 0; i < line.length; i++) {
      const char = line[i];
      if (this.dollarTag !== undefined) {
        if (char === '$' && line.startsWith(this.dollarTag, i)) {
          i += this.dollarTag.length - 1;
          this.dollarTag = undefined;
        }
      } else if (this.inQuote !== undefined) {
        if (char === this.inQuote) this.inQuote = undefined; // a doubled quote closes and reopens: the same state
      } else if (char === "'" || char === '"') {
        this.inQuote = char;
      } else if (char === '-' && line[i + 1] === '-') {
        return;
      } else if (char === '$') {
        const tag = /^\$[A-Za-z_]*\$/.exec(line.slice(i));
        if (tag && !/[\w$]/.test(line[i - 1] ?? '')) {
          this.dollarTag = tag[0];
          i += tag[0].length - 1;
        }
      }
    }
  }
}

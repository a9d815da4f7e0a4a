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

const NEWLINE = 0x0a;
/** `\.`, the line that ends a COPY block's data. */
const isEndOfCopy = (line: Buffer) => line.length === 2 && line[0] === 0x5c && line[1] === 0x2e;

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
  /** The bytes of a line that the chunks so far have not ended. */
  private pending: Buffer[] = [];

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

  /**
   * Counts the complete lines of a chunk of the file. The bulk of a dump, COPY data lines, is counted
   * on the bytes (a newline search in native code), never decoded: a 570 MB dump costs little more
   * than reading it. Only the other lines become text.
   */
  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      let line = chunk.subarray(start, newline);
      start = newline + 1;
      if (this.pending.length > 0) {
        line = Buffer.concat([...this.pending, line]);
        this.pending = [];
      }
      if (this.copying !== undefined && !isEndOfCopy(line)) this.rows[this.copying] = (this.rows[this.copying] ?? 0) + 1;
      else this.line(line.toString('utf8'));
    }
    // The rest is the start of a line that the next chunk ends (kept as bytes: a character may be split).
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  end(): DumpContents {
    if (this.pending.length > 0) {
      const last = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      if (last) this.line(last);
    }
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

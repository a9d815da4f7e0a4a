/**
 * What a line of a plain dump is: a `COPY … FROM stdin;` line, a data line of a COPY block (or its
 * `\.`), a line that continues a quoted string or a dollar-quoted body (text, not SQL: a note's body,
 * a function's body), or an SQL line.
 */
export type LineKind = 'copy' | 'data' | 'quoted' | 'sql';

const BACKSLASH = 0x5c;
const DOT = 0x2e;
/** `\.`, the line that ends a COPY block's data (a CR before the newline would be data). */
export const isEndOfCopy = (line: Buffer) => line.length === 2 && line[0] === BACKSLASH && line[1] === DOT;

/** An identifier as pg_dump writes it: plain, or double-quoted with `""` for a quote (spaces and dots allowed). */
const IDENT = String.raw`(?:"(?:[^"]|"")*"|[^\s".()]+)`;
/** `COPY public.notes (id, title) FROM stdin;`, `COPY public."my table" (…)`, `COPY public.nocols  FROM stdin;` (no columns). */
const COPY = new RegExp(String.raw`^COPY (${IDENT}\.${IDENT}) +(?:\(.*\) +)?FROM stdin;$`, 's');
/** A COPY line that ends inside a quoted identifier is at most this long before its end (identifiers are 63 bytes at most). */
const COPY_HEAD_LIMIT = 64 * 1024;
/** A dollar-quote tag: `$$`, `$_$`, `$body1$` (letters, digits after the first, `_`, any byte ≥ 0x80). */
const DOLLAR_TAG = /^\$(?:[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)?\$/;

/**
 * Follows a plain dump line by line, as psql would read it, and says what each line is. Lines are
 * bytes; the lexer looks at them through latin1, which maps every byte to one character and back, so
 * nothing is ever decoded or changed (every server encoding is ASCII-compatible: a quote, a dollar or
 * a newline byte is always that character). It tracks '…' strings, "…" identifiers, $tag$ bodies and
 * -- comments across lines, so a note whose text holds `INSERT INTO …`, `COPY …` or `\.` lines is text.
 */
export class DumpLexer {
  /** The table (as pg_dump names it, latin1 view) of the COPY block being read. */
  private copying: string | undefined;
  private inQuote: "'" | '"' | undefined;
  private dollarTag: string | undefined;
  /** The lines so far of a `COPY ` statement whose quoted identifier spans lines (`COPY public."multi` / `line" (id) FROM stdin;`). */
  private copyHead: string | undefined;
  private statement: string | undefined;

  /** The table of the COPY block that `kind` last saw begin, while it lasts. */
  get copyTable(): string | undefined {
    return this.copying;
  }

  /** The whole `COPY … FROM stdin;` statement (latin1 view) of the COPY block that `kind` last saw begin, its lines joined by newlines. */
  get copyStatement(): string | undefined {
    return this.copying === undefined ? undefined : this.statement;
  }

  /**
   * What `line` (without its newline) is; moves the lexer on past it. A COPY whose quoted table or
   * column name holds a newline spans lines: its first lines are 'sql' and 'quoted', the line that
   * completes it is the 'copy' line.
   */
  kind(line: Buffer): LineKind {
    if (this.copying !== undefined) {
      if (isEndOfCopy(line)) this.copying = undefined;
      return 'data';
    }
    const text = line.toString('latin1');
    const continues = this.inQuote !== undefined || this.dollarTag !== undefined;
    if (this.copyHead !== undefined) return this.continueCopy(text);
    if (!continues) {
      const copy = COPY.exec(text);
      if (copy) return this.beginCopy(copy[1]!, text);
    }
    this.follow(text);
    if (!continues && this.inIdentifier && text.startsWith('COPY ')) this.copyHead = text;
    return continues ? 'quoted' : 'sql';
  }

  private beginCopy(table: string, statement: string): LineKind {
    this.copying = table;
    this.statement = statement;
    return 'copy';
  }

  /** A line of a COPY statement whose identifier went on past the line before. */
  private continueCopy(text: string): LineKind {
    const head = `${this.copyHead}\n${text}`;
    this.follow(text);
    this.copyHead = this.inIdentifier && head.length < COPY_HEAD_LIMIT ? head : undefined;
    if (this.copyHead !== undefined || this.inQuote !== undefined || this.dollarTag !== undefined) return 'quoted';
    const copy = COPY.exec(head);
    return copy ? this.beginCopy(copy[1]!, head) : 'quoted';
  }

  /** The last line ended inside a "…" identifier (a table named with a newline): its statement goes on. */
  get inIdentifier(): boolean {
    return this.inQuote === '"' && this.dollarTag === undefined;
  }

  /** Inside a COPY block's data: the next line is data or its `\.`. */
  get inCopy(): boolean {
    return this.copying !== undefined;
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
        const tag = DOLLAR_TAG.exec(line.slice(i));
        if (tag && !/[\w$\x80-\xff]/.test(line[i - 1] ?? '')) {
          this.dollarTag = tag[0];
          i += tag[0].length - 1;
        }
      }
    }
  }
}

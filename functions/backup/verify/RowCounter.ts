import { StringDecoder } from 'node:string_decoder';

/** What a plain dump holds: rows per table (`schema.table` as pg_dump names it) and large objects. */
export interface DumpContents {
  rows: Record<string, number>;
  largeObjects: number;
}

const COPY = /^COPY (\S+) \(.*\) FROM stdin;$/;
const INSERT = /^INSERT INTO (\S+) /;

/**
 * Counts the rows a plain dump holds as its text goes by — each `COPY … FROM stdin` block's lines and
 * each `INSERT INTO` — and its large objects, in constant memory. Fed whole lines (`line`) or raw
 * chunks of the file as they are written (`push`, then `end`), so the dump is read only once.
 */
export class RowCounter {
  readonly rows: Record<string, number> = {};
  largeObjects = 0;
  private copying: string | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  /** Counts one line; true when it was a data line or a COPY/INSERT (nothing else to learn from it). */
  line(line: string): boolean {
    if (this.copying !== undefined) {
      if (line === '\\.') this.copying = undefined;
      else this.rows[this.copying] = (this.rows[this.copying] ?? 0) + 1;
      return true;
    }
    const copy = COPY.exec(line);
    if (copy) {
      this.copying = copy[1]!;
      this.rows[this.copying] ??= 0;
      return true;
    }
    const insert = INSERT.exec(line);
    if (insert) {
      this.rows[insert[1]!] = (this.rows[insert[1]!] ?? 0) + 1;
      return true;
    }
    if (line.startsWith('SELECT pg_catalog.lo_create(')) this.largeObjects++;
    return false;
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
}

import { createHash, type Hash } from 'node:crypto';
import { DumpLexer, isEndOfCopy } from './DumpLexer.js';
import { decodeName } from './decodeName.js';

/**
 * One part of a dump as pg_dump lays it out: the preamble, each object (`-- Name: …; Type: …`), each
 * table's data (`-- Data for Name: …`), and the end. Its digest is of its bytes as written, leaving
 * out only pg_dump's random `\restrict`/`\unrestrict` keys and the preamble's `-- Dumped from …` and
 * `-- Dumped by …` version lines.
 */
export interface DumpSection {
  /** `preamble`, `TABLE public.notes`, `TABLE DATA public.notes`, `FUNCTION public.f()`, `end`. */
  title: string;
  /** Its first line in the dump (1-based). */
  line: number;
  /** The first 16 hex digits of the sha256 of its bytes. */
  digest: string;
}

/** What is recorded of a backup when it is written (the manifest): what `verify` holds it to later. */
export interface DumpContents {
  rows: Record<string, number>;
  largeObjects: number;
  /** Absent for backups recorded before sections were. */
  sections?: DumpSection[];
}

/** The part of a dump's facts that is recorded. */
export const contentsOf = (facts: DumpFacts): DumpContents => ({
  rows: facts.rows,
  largeObjects: facts.largeObjects,
  sections: facts.sections,
});

/** What a plain dump holds, read once as it is written or read back. */
export interface DumpFacts {
  /** Rows per table (`schema.table` as pg_dump names it) of COPY blocks and INSERT statements. */
  rows: Record<string, number>;
  /** Each table of `rows` as the dump's own bytes name it (their latin1 view): for SQL sent in the dump's encoding. */
  rawNames: Record<string, string>;
  largeObjects: number;
  sections: DumpSection[];
  /** It starts like a plain pg_dump (its `-- PostgreSQL database dump` header). */
  isPgDump: boolean;
  /** It ends as pg_dump ends a complete dump: the completion marker, then only its closing lines. */
  complete: boolean;
  /** The preamble's `client_encoding` (the database's encoding), e.g. `UTF8`, `LATIN1`. */
  encoding?: string;
  /** The preamble's `SET name = …;` settings. */
  settings: string[];
  /** Roles the dump refers to (owners, grantees, policy roles), which a brand-new server may lack. */
  roles: string[];
  /** `-- Dumped by pg_dump version …`: which pg_dump wrote it. */
  dumpedBy?: string;
  /** Its rows are INSERT statements (`pg_dump --inserts`, the embedded pg_dump), not COPY blocks. */
  usesInserts: boolean;
  lines: number;
}

const NEWLINE = Buffer.from('\n');
const SECTION = /^-- (?:Data for )?Name: (.*); Type: (.*); Schema: (.*); Owner: .*$/;
const SECTION_NO_OWNER = /^-- (?:Data for )?Name: (.*); Type: (.*); Schema: ([^;]*)$/;
const END_MARKER = '-- PostgreSQL database dump complete';
const DUMPED_BY = '-- Dumped by pg_dump version ';
const DUMPED_FROM = '-- Dumped from database version ';
const RESTRICT = /^\\restrict ([A-Za-z0-9]+)$/;
const UNRESTRICT = /^\\unrestrict ([A-Za-z0-9]+)$/;
const PREAMBLE_SET = /^SET ([a-z_.]+) = (.*);$/;
const IDENT = String.raw`(?:"(?:[^"]|"")*"|[^\s".()]+)`;
const INSERT = new RegExp(String.raw`^INSERT INTO (${IDENT}\.${IDENT}) `);
const ROLE = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]*)`;
const OWNER = new RegExp(`^ALTER .* OWNER TO (${ROLE});$`, 's');
/** `GRANT … TO a, b;`, `REVOKE … FROM a;`, and both after `ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s] ` (`… ON TABLES  TO h_dpg;`). */
const GRANT = new RegExp(
  `^(?:ALTER DEFAULT PRIVILEGES FOR ROLE ${ROLE}(?: IN SCHEMA ${IDENT})? )?(?:GRANT .* TO|REVOKE .* FROM) (${ROLE}(?:, ${ROLE})*)(?: WITH GRANT OPTION)?;$`,
  's',
);
/** pg_dump 15's one-line policy: `CREATE POLICY p ON public.t [AS RESTRICTIVE] [FOR SELECT] TO a, "b c" [USING (…)] [WITH CHECK (…)];`. */
const POLICY = new RegExp(
  String.raw`^CREATE POLICY ${IDENT} ON ${IDENT}\.${IDENT}(?: AS RESTRICTIVE)?(?: FOR [A-Z]+)? TO (${ROLE}(?:, ${ROLE})*)(?: USING \(| WITH CHECK \(|;)`,
);
const DEFAULT_PRIVILEGES = new RegExp(`^ALTER DEFAULT PRIVILEGES FOR ROLE (${ROLE})`);
const POLICY_TO = new RegExp(String.raw`^\s+TO (${ROLE}(?:, ${ROLE})*)$`);
const HEAD_LIMIT = 64 * 1024;
const BUILT_IN_ROLES = new Set(['PUBLIC', 'public', 'CURRENT_USER', 'SESSION_USER', 'CURRENT_ROLE']);

/**
 * Reads a plain dump as bytes, in chunks split anywhere (`push`, then `end`), in constant memory, and
 * says what it holds: rows per table, large objects, a digest per section, whether it is complete, its
 * encoding, the settings and roles a restore must prepare for. The bulk of a dump, COPY data lines, is
 * handled on the bytes (a newline search and one hash update per run of lines), never decoded; the
 * other lines are looked at through latin1 (byte for byte) and nothing is ever changed.
 */
export class DumpScanner {
  private readonly lexer = new DumpLexer();
  private readonly rows: Record<string, number> = {};
  private readonly rawNames: Record<string, string> = {};
  private largeObjects = 0;
  private readonly sections: DumpSection[] = [];
  private section = { title: 'preamble', line: 1, hash: createHash('sha256') as Hash };
  private pending: Buffer[] = [];
  private lineNumber = 0;
  private isPgDump = false;
  private encoding?: string;
  private dumpedBy?: string;
  private readonly settings = new Set<string>();
  private readonly roles = new Set<string>();
  private inPolicy = false;
  /** An SQL line whose quoted identifier goes on past its newline (`CREATE POLICY p ON public."multi`): joined with the lines up to the identifier's end. */
  private head: string | undefined;
  /** The table of the COPY block being read, its name decoded. */
  private copyKey = '';
  private usesInserts = false;
  private restrictKey?: string;
  private ended = false;
  /** After the completion marker: only `--`, blank lines and `\unrestrict <key>` may follow. */
  private afterEnd: 'clean' | 'unrestricted' | 'spoiled' = 'clean';

  /** Reads the complete lines of `chunk`; the rest waits for the next chunk. */
  push(chunk: Buffer): void {
    let start = 0;
    /** Where the run of lines not yet hashed began: hashed in one update at the next break or at the chunk's end. */
    let runFrom = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      let line = chunk.subarray(start, newline);
      const lineStart = start;
      start = newline + 1;
      this.lineNumber++;
      if (this.pending.length > 0) {
        line = Buffer.concat([...this.pending, line]);
        this.pending = [];
        this.visit(line, true);
        runFrom = start;
        continue;
      }
      if (this.lexer.inCopy && !isEndOfCopy(line)) {
        this.rows[this.copyKey]! += 1;
        continue;
      }
      // A line that starts a section or is left out of the digest ends the run before it.
      if (this.breaksRun(line)) {
        this.section.hash.update(chunk.subarray(runFrom, lineStart));
        this.visit(line, true);
        runFrom = start;
      } else {
        this.visit(line, false);
      }
    }
    this.section.hash.update(chunk.subarray(runFrom, start));
    // The rest is the start of a line that the next chunk ends (kept as bytes: a character may be split).
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** What the dump held; a last line without a newline counts as a line. */
  end(): DumpFacts {
    if (this.pending.length > 0) {
      const last = Buffer.concat(this.pending);
      this.pending = [];
      this.lineNumber++;
      this.visit(last, true, false);
    }
    this.closeSection();
    return {
      rows: this.rows,
      rawNames: this.rawNames,
      largeObjects: this.largeObjects,
      sections: this.sections,
      isPgDump: this.isPgDump,
      complete: this.ended && this.afterEnd !== 'spoiled' && (this.restrictKey === undefined) === (this.afterEnd === 'clean'),
      ...(this.encoding ? { encoding: this.encoding } : {}),
      settings: [...this.settings],
      roles: [...this.roles].sort(),
      ...(this.dumpedBy ? { dumpedBy: this.dumpedBy } : {}),
      usesInserts: this.usesInserts,
      lines: this.lineNumber,
    };
  }

  /** A cheap look at a line that is not COPY data: could it start a section or be a restrict line? */
  private breaksRun(line: Buffer): boolean {
    const first = line[0];
    return first === 0x2d /* - */ || first === 0x5c /* \ */ || this.ended;
  }

  /**
   * Classifies one whole line that is not COPY data and keeps its facts. `hash`: the caller hashes
   * nothing of it, so this does (unless it is left out of the digest).
   */
  private visit(line: Buffer, hash: boolean, newline = true): void {
    const kind = this.lexer.kind(line);
    if (kind === 'data') {
      if (!isEndOfCopy(line)) this.rows[this.copyKey]! += 1;
    } else if (kind === 'copy') {
      this.head = undefined;
      this.copyKey = this.table(this.lexer.copyTable!);
    } else if (kind === 'sql' || this.head !== undefined) {
      const text = this.head === undefined ? line.toString('latin1') : `${this.head}\n${line.toString('latin1')}`;
      this.head = undefined;
      // Identifiers are at most 63 bytes: a longer head is not an identifier's (an unclosed quote in a damaged file).
      if (this.lexer.inIdentifier && text.length < HEAD_LIMIT) this.head = text;
      else if (this.sqlLine(text)) return; // left out of the digest
    }
    if (hash) {
      this.section.hash.update(line);
      if (newline) this.section.hash.update(NEWLINE);
    }
  }

  /**
   * An SQL-level line's facts; true when it is left out of the digest: pg_dump's `\restrict`/`\unrestrict`,
   * and the preamble's `-- Dumped from database version …` and `-- Dumped by pg_dump version …`.
   */
  private sqlLine(text: string): boolean {
    const number = this.lineNumber;
    if (this.ended) {
      const unrestrict = UNRESTRICT.exec(text);
      if (unrestrict && this.afterEnd === 'clean' && unrestrict[1] === this.restrictKey) {
        this.afterEnd = 'unrestricted';
        return true;
      }
      if (text !== '' && text !== '--') this.afterEnd = 'spoiled';
      return false;
    }
    if (number <= 20 && text === '-- PostgreSQL database dump') this.isPgDump = true;
    const section = SECTION.exec(text) ?? SECTION_NO_OWNER.exec(text);
    if (section) {
      const [, name, type, schema] = section as unknown as string[];
      this.startSection(sectionTitle(name!, type!, schema!));
      return false;
    }
    if (text === END_MARKER) {
      this.startSection('end');
      this.ended = true;
      return false;
    }
    if (this.section.title === 'preamble') {
      const restrict = RESTRICT.exec(text);
      if (restrict && this.restrictKey === undefined) {
        this.restrictKey = restrict[1];
        return true;
      }
      const set = PREAMBLE_SET.exec(text);
      if (set) {
        this.settings.add(set[1]!);
        if (set[1] === 'client_encoding') this.encoding = set[2]!.replace(/^'|'$/g, '');
      }
      if (text.startsWith(DUMPED_BY)) this.dumpedBy = text.slice(DUMPED_BY.length);
      // Which server and pg_dump wrote it, not what it holds: a minor upgrade or another server must not change the digest.
      if (text.startsWith(DUMPED_BY) || text.startsWith(DUMPED_FROM)) return true;
    }
    const insert = INSERT.exec(text);
    if (insert) {
      this.rows[this.table(insert[1]!)]! += 1;
      this.usesInserts = true;
    } else if (text.startsWith('SELECT pg_catalog.lo_create(')) {
      this.largeObjects++;
    }
    this.collectRoles(text);
    return false;
  }

  /** A table's key in `rows` (its name decoded), counted from 0 when first seen. */
  private table(raw: string): string {
    const name = decodeName(raw, this.encoding);
    this.rows[name] ??= 0;
    this.rawNames[name] = raw;
    return name;
  }

  private collectRoles(text: string): void {
    const owner = OWNER.exec(text) ?? DEFAULT_PRIVILEGES.exec(text);
    if (owner) this.addRoles(owner[1]!);
    const grant = GRANT.exec(text) ?? POLICY.exec(text) ?? (this.inPolicy ? POLICY_TO.exec(text) : null);
    if (grant) this.addRoles(grant[1]!);
    if (text.startsWith('CREATE POLICY ')) this.inPolicy = true;
    if (this.inPolicy && text.endsWith(';')) this.inPolicy = false;
  }

  private addRoles(list: string): void {
    for (const role of list.match(new RegExp(ROLE, 'g')) ?? []) {
      const quoted = role.startsWith('"') ? role.slice(1, -1).replace(/""/g, '"') : role;
      // A role is created by this name on a new server: plain ASCII is kept as it is (a backslash too).
      const name = /[\x80-\xff]/.test(quoted) ? decodeName(quoted, this.encoding) : quoted;
      if (!BUILT_IN_ROLES.has(name) && !name.startsWith('pg_')) this.roles.add(name);
    }
  }

  private startSection(title: string): void {
    this.closeSection();
    this.section = { title: decodeName(title, this.encoding), line: this.lineNumber, hash: createHash('sha256') };
  }

  private closeSection(): void {
    const { title, line, hash } = this.section;
    this.sections.push({ title, line, digest: hash.digest('hex').slice(0, 16) });
  }
}

/** `TABLE public.notes`, `FUNCTION public.f()`, `COMMENT TABLE notes (schema public)`, `DEFAULT notes id (schema public)`. */
function sectionTitle(name: string, type: string, schema: string): string {
  if (schema === '-') return `${type} ${name}`;
  return name.includes(' ') ? `${type} ${name} (schema ${schema})` : `${type} ${schema}.${name}`;
}

import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { AppError } from '../../errors/AppError.js';
import type { AgeIdentity } from '../encryption/readIdentityFile.js';
import { DumpLexer } from '../sql/DumpLexer.js';
import { type DumpFacts, DumpScanner } from '../sql/DumpScanner.js';
import { openDump } from '../sql/openDump.js';
import { prepareDump } from '../sql/prepareDump.js';
import type { ScannedDump } from '../sql/scanDumpFile.js';
import { splitLines } from '../sql/splitLines.js';
import type { ScratchDatabase } from './ScratchDatabase.js';

/** Rows of a COPY block loaded at a time. */
const COPY_SLICE_ROWS = 20_000;
const NEWLINE = Buffer.from('\n');

/** The embedded scratch database cannot take this backup (another encoding than its UTF8): nothing is known of the backup. */
export class ScratchUnsuitableError extends AppError {
  constructor(message: string) {
    super('SCRATCH_UNSUITABLE', message, { expose: true });
  }
}

/**
 * A fresh PGlite for one restore, when no PostgreSQL server is configured (the embedded
 * database of `npm start`), dumped again after with the embedded pg_dump. The dump, prepared for a
 * target without meta-commands, runs statement block by block in one transaction; each
 * `COPY … FROM stdin` block's bytes are loaded through PGlite's `/dev/blob`. PGlite is UTF8: a backup of
 * another encoding is refused (verify it against a server).
 */
export class PgliteScratch implements ScratchDatabase {
  private readonly tempRoot: string;

  /** `tempRoot`: where the copy of the template is made for a plain backup (the system's temp folder). */
  constructor(options: { tempRoot?: string } = {}) {
    this.tempRoot = options.tempRoot ?? tmpdir();
  }

  async restoreAndRedump(path: string, { facts }: ScannedDump, identity?: AgeIdentity): Promise<DumpFacts> {
    if (facts.encoding && facts.encoding !== 'UTF8') {
      throw new ScratchUnsuitableError(
        `the embedded scratch database is UTF8 and the backup is ${facts.encoding}: set DATABASE_URL to verify it on a PostgreSQL server`,
      );
    }
    // An encrypted backup's plaintext never reaches the disk: its scratch database lives in memory only.
    const { db, remove } = await freshPglite(identity ? undefined : this.tempRoot);
    try {
      // As a restore onto a brand-new server: the roles the dump refers to exist (NOLOGIN).
      const roles = new Set((await db.query<{ rolname: string }>('select rolname from pg_roles')).rows.map((row) => row.rolname));
      for (const role of facts.roles.filter((name) => !roles.has(name))) await db.exec(`create role "${role.replace(/"/g, '""')}" nologin`);
      const knownSettings = new Set((await db.query<{ name: string }>('select name from pg_settings')).rows.map((row) => row.name));
      await db.exec('begin');
      await load(
        db,
        pipeline(openDump(path, identity ? { identity } : {}), prepareDump({ knownSettings }), () => undefined),
      );
      await db.exec('commit');
      // The dump emptied the session's search_path; the embedded pg_dump's wrapper restores it by name.
      await db.exec('reset all');
      // Loaded here: the Lambda image leaves the embedded database's code out.
      const { dumpPglite } = await import('../../db/embedded/dumpPglite.js');
      const scanner = new DumpScanner();
      scanner.push(await dumpPglite(db));
      return scanner.end();
    } finally {
      await db.close();
      await remove();
    }
  }
}

/**
 * A new, empty PGlite: a copy of the template `npm ci` prepared, opened from a folder in `tempRoot`
 * (about 1 s), else (no template, or no `tempRoot`: the restore is of decrypted data) one created in
 * memory (an initdb, about 5 s).
 */
async function freshPglite(tempRoot: string | undefined): Promise<{ db: PGlite; remove: () => Promise<void> }> {
  const { TEMPLATE_DIR } = await import('../../db/embedded/pgliteTemplate.js');
  if (tempRoot !== undefined && existsSync(join(TEMPLATE_DIR, 'PG_VERSION'))) {
    const dir = await mkdtemp(join(tempRoot, 'notes-verify-pglite-'));
    const remove = () => rm(dir, { recursive: true, force: true });
    try {
      await cp(TEMPLATE_DIR, dir, { recursive: true, dereference: true });
      return { db: await PGlite.create(dir), remove };
    } catch {
      await remove();
    }
  }
  return { db: await PGlite.create(), remove: async () => undefined };
}

/** Runs the prepared dump: SQL between COPY blocks as one script, each COPY block's data as bytes. */
async function load(db: PGlite, sql: AsyncIterable<Buffer>): Promise<void> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const lexer = new DumpLexer();
  let script: Buffer[] = [];
  let scriptFrom = 1;
  let copy: { statement: string; line: number; rows: Buffer[] } | undefined;
  let number = 0;
  const decode = (bytes: Buffer, what: string) => {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new Error(`${what} is not valid UTF-8`);
    }
  };
  const run = async () => {
    const text = decode(Buffer.concat(script), `the SQL from line ${scriptFrom}`);
    if (/^\s*[^-\s]/m.test(text)) {
      await db.exec(text).catch((error: Error) => {
        throw new Error(`the SQL from line ${scriptFrom}: ${error.message}`);
      });
    }
    script = [];
    scriptFrom = number + 1;
  };
  // A COPY block is loaded in slices, so a large table never sits in memory whole.
  const flushCopy = async () => {
    if (!copy || copy.rows.length === 0) return;
    const rows = copy.rows;
    copy.rows = [];
    await db.query(copy.statement, [], { blob: new Blob(rows) }).catch((error: Error) => {
      throw new Error(`the COPY at line ${copy!.line}: ${error.message}`);
    });
  };
  for await (const line of splitLines(sql)) {
    number++;
    const kind = lexer.kind(line);
    if (kind === 'copy') {
      // A COPY whose quoted name spans lines: its first lines went into the script; they belong to it.
      const whole = Buffer.from(lexer.copyStatement ?? line.toString('latin1'), 'latin1');
      const earlierLines = whole.toString('latin1').split('\n').length - 1;
      if (earlierLines > 0) script.splice(script.length - 2 * earlierLines);
      await run();
      const statement = decode(whole, `line ${number}`).replace(/FROM stdin;$/, "FROM '/dev/blob';");
      copy = { statement, line: number, rows: [] };
    } else if (kind === 'data' && copy) {
      if (line.length === 2 && line[0] === 0x5c && line[1] === 0x2e) {
        await flushCopy();
        copy = undefined;
        scriptFrom = number + 1;
      } else {
        copy.rows.push(line, NEWLINE);
        if (copy.rows.length >= COPY_SLICE_ROWS * 2) await flushCopy();
      }
    } else {
      // pg_dump writes no meta-command but its `\restrict` pair, which prepareDump turned into comments.
      if (kind === 'sql' && line[0] === 0x5c) throw new Error(`line ${number} is a psql meta-command, which pg_dump does not write`);
      script.push(line, NEWLINE);
    }
  }
  await run();
}

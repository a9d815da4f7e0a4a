import type { PGlite } from '@electric-sql/pglite';
import * as pgDumpModule from '@electric-sql/pglite-tools/pg_dump';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where the WASM pg_dump writes, in its own in-memory filesystem (the library's path). */
const DUMP_PATH = '/tmp/out.sql';
/** The library's arguments: `--inserts` because the WASM pg_dump cannot read COPY data back from PGlite's protocol stream. */
const BASE_ARGS = ['-U', 'postgres', '--inserts', '-j', '1', '-f', DUMP_PATH];
/**
 * What shapes this pg_dump's output besides the database: the package it comes from (pinned in
 * package.json, patched by patches/) and its options. A test holds the version to the installed one.
 */
export const PGLITE_DUMP_SHAPE = `WASM pg_dump of @electric-sql/pglite-tools 0.4.8 ${BASE_ARGS.slice(0, 3).join(' ')}`;

/** The parts of the emscripten module of the WASM pg_dump used here. */
interface PgDumpModule {
  ENV: Record<string, string>;
  HEAPU8: Uint8Array;
  FS: { readFile(path: string): Uint8Array; chmod(path: string, mode: number): void };
  onRuntimeInitialized?: () => void;
  addFunction(callback: (pointer: number, length: number) => number, signature: string): number;
  _pgl_set_rw_cbs(read: number, write: number): void;
  callMain(args: string[]): number;
}
type PgDumpModuleFactory = (overrides: Record<string, unknown>) => Promise<PgDumpModule>;

/**
 * Runs the WASM pg_dump of `@electric-sql/pglite-tools` on a PGlite database and returns the dump
 * exactly as pg_dump wrote it (built in memory). The library's own `pgDump()` decodes the dump as
 * UTF-8 and deletes every line starting with `\restrict` or `\unrestrict` — lines inside a note's
 * text too, which breaks the quoting and lets a note's text run as SQL on restore — so this runs
 * pg_dump through the library's module factory (exported by patches/@electric-sql+pglite-tools+0.4.8.patch)
 * the way `pgDump()` does, and reads the file as bytes. pg_dump runs on PGlite's one session and
 * leaves its read-only snapshot transaction, its prepared statements and an empty search_path
 * there: every later query would be read-only and new socket clients would wait forever. So this
 * ends that transaction, deallocates the statements and gives the session back its search_path.
 */
export async function dumpPglite(db: PGlite, args: string[] = [], waitMs = TRANSACTION_WAIT_MS): Promise<Buffer> {
  const factory = moduleFactory();
  const searchPath = (await db.query<{ search_path: string }>('SHOW search_path')).rows[0]!.search_path;
  const deadline = Date.now() + waitMs;
  for (;;) {
    // pg_dump runs holding PGlite's query lock, and only while no transaction is open: the socket
    // server keeps other clients out of a client's open transaction, but not this direct use of the
    // session. Run inside one, pg_dump failed, and the ROLLBACK after it ended that client's
    // transaction, whose COMMIT then "succeeded" with its writes gone.
    const dump = await db.runExclusive(async () => {
      if (db.isInTransaction()) return undefined;
      try {
        return await runPgDump(factory, db, [...args, ...BASE_ARGS]);
      } finally {
        await restoreSession(db, searchPath);
      }
    });
    if (dump) return dump;
    if (Date.now() > deadline) {
      throw new Error(
        `a connection has held a transaction open on the embedded database for over ${waitMs / 1000} s; not dumping inside it`,
      );
    }
    await sleep(10);
  }
}

/** How long a dump waits for another connection's transaction to end. */
const TRANSACTION_WAIT_MS = 30_000;

/**
 * Ends what pg_dump leaves on the session (its transaction, prepared statements, an empty
 * search_path) by the wire protocol: the query lock is held, and db.query would wait for it.
 */
async function restoreSession(db: PGlite, searchPath: string): Promise<void> {
  const run = (sql: string) => db.execProtocolRawStream(simpleQuery(sql), { onRawData: () => undefined });
  if (db.isInTransaction()) await run('ROLLBACK');
  await run('DEALLOCATE ALL');
  await run(`SET search_path TO ${searchPath}`);
}

/** A simple-query protocol message ('Q', its length, the SQL, a NUL). */
function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0, 'latin1');
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

function moduleFactory(): PgDumpModuleFactory {
  // Read off the namespace, not imported by name: an install that skipped the patch (npm ci
  // --ignore-scripts, as the Docker build does, where the embedded code is then deleted) still
  // compiles and loads, and says what is wrong when a dump is asked for.
  const factory = (pgDumpModule as Record<string, unknown>).pgDumpModFactory;
  if (typeof factory !== 'function') {
    throw new Error(
      'the WASM pg_dump cannot be run: @electric-sql/pglite-tools is not patched (patches/ is applied by npm ci; an install with --ignore-scripts skips it: run npx patch-package)',
    );
  }
  return factory as PgDumpModuleFactory;
}

/** pg_dump in its own WASM instance, talking to PGlite through the library's read/write callbacks. */
async function runPgDump(factory: PgDumpModuleFactory, db: PGlite, args: string[]): Promise<Buffer> {
  let exitCode = 0;
  let stderr = '';
  const pgDump = await factory({
    noExitRuntime: false,
    print: () => undefined,
    printErr: (text: string) => {
      stderr += `${text}\n`;
    },
    onExit: (status: number) => {
      exitCode = status;
    },
    preRun: [
      (mod: PgDumpModule) => {
        mod.ENV.HOME = '/home/postgres';
        mod.ENV.USER = 'postgres';
        mod.ENV.LOGNAME = 'postgres';
      },
      (mod: PgDumpModule) => {
        mod.onRuntimeInitialized = () => connect(mod, db);
      },
    ],
  });
  pgDump.callMain(args);
  if (exitCode !== 0) throw new Error(`pg_dump failed with exit code ${exitCode}: ${stderr.trim()}`);
  const dump = pgDump.FS.readFile(DUMP_PATH);
  return Buffer.from(dump.buffer, dump.byteOffset, dump.byteLength);
}

/**
 * The wire between pg_dump's libpq and PGlite, as the library makes it: what pg_dump writes is run
 * on PGlite's protocol stream, whose answers wait in a buffer until pg_dump reads them.
 */
function connect(mod: PgDumpModule, db: PGlite): void {
  let answers = new Uint8Array();
  const write = mod.addFunction((pointer, length) => {
    // The answers arrive synchronously; only PGlite's flush to disk after them is asynchronous (and
    // pg_dump writes nothing to flush): a failed flush is left to the next query to report.
    db.execProtocolRawStream(mod.HEAPU8.subarray(pointer, pointer + length), {
      onRawData: (data) => {
        const joined = new Uint8Array(answers.length + data.length);
        joined.set(answers, 0);
        joined.set(data, answers.length);
        answers = joined;
      },
    }).catch(() => undefined);
    return length;
  }, 'iii');
  const read = mod.addFunction((pointer, maxLength) => {
    const length = Math.min(answers.length, maxLength);
    mod.HEAPU8.set(answers.subarray(0, length), pointer);
    answers = answers.subarray(length);
    return length;
  }, 'iii');
  mod._pgl_set_rw_cbs(read, write);
  // libpq ignores a password file others may read; emscripten's default HOME is /home/postgres.
  mod.FS.chmod('/home/postgres/.pgpass', 0o600);
}

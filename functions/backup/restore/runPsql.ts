import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type DatabaseConnection, redactSecrets } from '../../db/databaseConnection.js';
import { CHECK_PREFIX } from './restoreCheck.js';
import { RestoreFailedError } from './RestoreFailedError.js';

/** The lines put before the dump (`\restrict <key>`, `BEGIN;`). */
const HEAD_LINES = 2;

/**
 * Feeds `sql` (Buffers, as prepared by prepareDump) and then `check` to psql in one transaction that
 * stops at the first error, so that either everything is committed or nothing is. Bytes go through
 * unchanged. The transaction is opened and committed explicitly (`BEGIN;` … `COMMIT;`), never by
 * `--single-transaction`, which commits at the end of its input: a feeder that dies part-way (the
 * restore killed) then leaves psql an input without COMMIT, and the server rolls everything back. The
 * whole input runs under a `\restrict` key of this run's own, so psql refuses every meta-command the
 * file may hold (`\!`, `\connect`): a dump is SQL, never commands for the machine restoring it.
 * `signal` stops psql (the transaction rolls back). Throws RestoreFailedError naming the line and the
 * error, or the check that failed.
 */
export async function runPsql(
  sql: Readable,
  check: Buffer,
  target: DatabaseConnection,
  options: { psqlPath?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<void> {
  const env = options.env ?? process.env;
  const key = randomBytes(24).toString('hex');
  const head = Buffer.from(`\\restrict ${key}\nBEGIN;\n`); // HEAD_LINES lines
  const tail = Buffer.concat([check, Buffer.from(`\nCOMMIT;\n\\unrestrict ${key}\n`)]);
  const psql = spawn(
    options.psqlPath ?? env.PSQL_PATH ?? 'psql',
    ['--no-psqlrc', '--quiet', '--no-password', '--set=ON_ERROR_STOP=1', ...target.dumpArgs, '--file=-'],
    {
      env: {
        PATH: env.PATH,
        HOME: env.HOME,
        LANG: env.LANG,
        ...target.libpqEnvironment,
        PGOPTIONS: `${target.libpqEnvironment.PGOPTIONS ?? ''} -c client_min_messages=warning`.trim(),
        ...(target.password ? { PGPASSWORD: target.password } : {}),
      },
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  const stop = () => psql.kill('SIGTERM');
  options.signal?.addEventListener('abort', stop, { once: true });
  let stderr = '';
  psql.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-64 * 1024)));
  const exited = new Promise<number | null>((resolve, reject) => {
    psql.on('error', reject);
    psql.on('close', (code) => resolve(code));
  });
  // psql stopping early (an error, a lost connection) never drains its input: the feeding stops then.
  const stopped = () => psql.exitCode !== null || psql.signalCode !== null || psql.stdin.destroyed;
  psql.stdin.write(head);
  const stdin = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (stopped()) return done(new Error('psql stopped'));
      if (psql.stdin.write(chunk)) return done();
      Promise.race([once(psql.stdin, 'drain'), exited]).then(
        () => done(),
        () => done(),
      );
    },
    final(done) {
      if (stopped()) return done();
      psql.stdin.end(tail);
      Promise.race([once(psql.stdin, 'finish'), exited]).then(
        () => done(),
        () => done(),
      );
    },
  });
  psql.stdin.on('error', () => undefined);
  // A backup that cannot be read to its end (changed or damaged since it was checked) must never reach
  // psql's end of input, where psql would commit what it had: psql is stopped, and the transaction with it.
  const fed = pipeline(sql, stdin).then(
    () => undefined,
    (error: Error) => {
      if (!stopped()) psql.kill('SIGTERM');
      return error;
    },
  );
  let code: number | null;
  try {
    code = await exited;
    options.signal?.removeEventListener('abort', stop);
  } catch (error) {
    sql.destroy();
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'psql is not installed (set PSQL_PATH)' : (error as Error).message;
    throw new RestoreFailedError(`cannot run psql: ${reason}`, { cause: error });
  }
  const feedError = await fed;
  if (options.signal?.aborted)
    throw new RestoreFailedError('the restore was interrupted; nothing was restored (one transaction)', { code: 'RESTORE_CANCELLED' });
  if (code === 0 && feedError) {
    throw new RestoreFailedError(`the backup could not be read: ${feedError.message}`, { cause: feedError });
  }
  if (code !== 0) {
    // A file that cannot be read whole (a corrupt gzip) says so, not psql's complaint about its last line.
    if (feedError && feedError.message !== 'psql stopped') {
      throw new RestoreFailedError(`the backup could not be read: ${feedError.message}; nothing was restored`, { cause: feedError });
    }
    const check = new RegExp(`ERROR:\\s+(${CHECK_PREFIX}.*)`).exec(stderr);
    if (check) throw new RestoreFailedError(`the restored database did not hold what the backup holds (${check[1]}); nothing was restored`);
    // The file's own line numbers: psql counts the two lines put before it.
    const meta = /psql:<stdin>:(\d+): error: backslash commands are restricted/.exec(stderr);
    if (meta) {
      throw new RestoreFailedError(
        `line ${Number(meta[1]) - HEAD_LINES} of the backup is a psql meta-command, which pg_dump does not write: refused; nothing was restored (one transaction)`,
        { code: 'NOT_A_BACKUP' },
      );
    }
    const error = /psql:<stdin>:(\d+): ERROR:\s+(.*)/.exec(stderr);
    const where = error
      ? `the statement ending on line ${Number(error[1]) - HEAD_LINES}: ${error[2]}`
      : redactSecrets(stderr.trim().split('\n').at(-1) ?? `psql exited with ${code}`, target);
    throw new RestoreFailedError(`the restore stopped at ${where}; nothing was restored (one transaction)`);
  }
}

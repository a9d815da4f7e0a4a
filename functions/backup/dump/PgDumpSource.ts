import type { DatabaseFingerprint } from '../fingerprint/DatabaseFingerprint.js';
import { readFingerprintAt } from '../fingerprint/readFingerprint.js';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { DEFAULTS } from '../../config/defaults.js';
import { redactSecrets, type DatabaseConnection } from '../../db/databaseConnection.js';
import type { DumpSource } from './DumpSource.js';
import { connectionProblem } from '../../db/connectionProblem.js';
import { DatabaseUnavailableError } from '../../db/errors.js';
import { BackupCancelledError, DumpFailedError } from '../errors.js';
import { pgDumpEnvironment } from './pgDumpEnvironment.js';
import { runProcess, type ProcessRunner } from './runProcess.js';

export interface PgDumpSourceOptions {
  connection: DatabaseConnection;
  /** The pg_dump binary (`PG_DUMP_PATH`); `pg_dump` on PATH by default. */
  pgDumpPath?: string;
  /** Stop pg_dump after this long (`BACKUP_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Give up waiting for a table lock after this long, instead of queueing behind (or in front of) migrations. */
  lockWaitTimeoutMs?: number;
  runner?: ProcessRunner;
  env?: NodeJS.ProcessEnv;
}

/** Dumps a PostgreSQL server with the native `pg_dump` (plain SQL), streaming straight into the file. */
export class PgDumpSource implements DumpSource {
  private readonly connection: DatabaseConnection;
  private readonly pgDumpPath: string;
  private readonly timeoutMs: number;
  private readonly lockWaitTimeoutMs: number;
  private readonly runner: ProcessRunner;
  private readonly env: NodeJS.ProcessEnv;
  /** `pg_dump (PostgreSQL) 15.20`, as `pg_dump --version` said it. */
  private pgDumpVersionLine?: string;
  private serverMajor?: number;

  constructor(options: PgDumpSourceOptions) {
    this.connection = options.connection;
    this.pgDumpPath = options.pgDumpPath ?? DEFAULTS.pgDumpPath;
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.lockWaitTimeoutMs = options.lockWaitTimeoutMs ?? DEFAULTS.lockWaitTimeoutMs;
    this.runner = options.runner ?? runProcess;
    this.env = options.env ?? process.env;
  }

  /** Connects once to learn the database name and server version, asks pg_dump its version; refuses a pg_dump older than the server. */
  async prepare(): Promise<{ database: string; serverTime: Date }> {
    const server = await this.serverInfo();
    const pgDumpMajor = await this.pgDumpVersion();
    if (pgDumpMajor < server.major) {
      throw new DumpFailedError(
        `pg_dump ${pgDumpMajor} cannot dump a PostgreSQL ${server.major} server: install pg_dump ${server.major} or newer and point PG_DUMP_PATH at it`,
      );
    }
    this.serverMajor = server.major;
    return { database: server.database, serverTime: server.serverTime };
  }

  /**
   * Runs pg_dump with `target` as its stdout: a file descriptor, or a stream it is piped into. pg_dump gets no secret on its command line and none of this
   * process's other settings (DATABASE_URL, API_TOKEN): its environment is built from scratch, the
   * password in PGPASSWORD (readable only by this uid, never written to a file). On Linux it dies with
   * this process (parent-death signal), so it never outlives the API that started it.
   * `signal` stops pg_dump (SIGTERM, then SIGKILL) and throws BackupCancelledError once it has exited.
   */
  async dumpTo(target: number | Writable, options: { gzipLevel?: number; signal?: AbortSignal } = {}): Promise<void> {
    const env = pgDumpEnvironment(this.env, this.connection);
    // PostgreSQL 14+ notices within 2 s that pg_dump is gone (cancelled, killed) even while its session
    // waits on a lock, instead of holding that lock request until the table is free.
    if ((this.serverMajor ?? 0) >= 14) env.PGOPTIONS = `${env.PGOPTIONS ?? ''} -c client_connection_check_interval=2000`.trim();
    const args = [
      '--format=plain',
      '--no-password',
      `--lock-wait-timeout=${this.lockWaitTimeoutMs}`,
      // pg_dump's own gzip: on two cores it beats compressing in a separate process (npm run bench).
      ...(options.gzipLevel === undefined ? [] : [`--compress=${options.gzipLevel}`]),
      ...this.connection.dumpArgs,
    ];
    const output = typeof target === 'number' ? { stdoutFd: target } : { stdout: target };
    const result = await this.run(args, { env, ...output, timeoutMs: this.timeoutMs, signal: options.signal, dieWithParent: true });
    const stderr = this.redact(result.stderr.trim());
    if (result.cancelled) throw new BackupCancelledError('cancelled: pg_dump was stopped (the API is stopping)', { detail: stderr });
    if (result.outputError) {
      throw new DumpFailedError(`writing the dump failed: ${result.outputError.message}`, { cause: result.outputError, detail: stderr });
    }
    if (result.timedOut) {
      throw new DumpFailedError(`pg_dump took longer than ${this.timeoutMs} ms and was stopped`, { detail: stderr });
    }
    if (result.signal) throw new DumpFailedError(`pg_dump was killed by ${result.signal}`, { detail: stderr });
    if (result.exitCode !== 0 && /LOCK TABLE/.test(stderr) && /timeout/.test(stderr)) {
      throw new DumpFailedError(
        `pg_dump gave up waiting for a table lock after ${this.lockWaitTimeoutMs} ms (BACKUP_LOCK_WAIT_TIMEOUT_MS): ${mainError(stderr)}`,
        { detail: stderr },
      );
    }
    if (result.exitCode !== 0) {
      throw new DumpFailedError(`pg_dump failed with exit code ${result.exitCode}: ${mainError(stderr)}`, {
        detail: stderr,
      });
    }
  }

  /** Reads the database's fingerprint on a connection of its own (one statement that writes nothing). */
  fingerprint(): Promise<DatabaseFingerprint> {
    return readFingerprintAt(this.connection.clientConfig);
  }

  /** The pg_dump's version line, its output format and the role it dumps as: another of any writes another file. */
  dumpShape(): string {
    return `${this.pgDumpVersionLine ?? 'pg_dump (not run yet)'} --format=plain as ${this.connection.server.user}`;
  }

  private async serverInfo(): Promise<{ database: string; major: number; serverTime: Date }> {
    const client = new pg.Client({ ...this.connection.clientConfig, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      // The time as seconds since the epoch, not a timestamp: a timestamp's text follows the session's
      // DateStyle, and pg cannot parse every style (e.g. `SQL, DMY`), which would turn the clock check off.
      const { rows } = await client.query<{ database: string; version: string; epoch: string }>(
        "select current_database() as database, current_setting('server_version_num') as version, extract(epoch from clock_timestamp())::text as epoch",
      );
      const row = rows[0]!;
      return {
        database: row.database,
        major: Math.floor(Number(row.version) / 10_000),
        serverTime: new Date(Math.round(Number(row.epoch) * 1000)),
      };
    } catch (error) {
      throw (
        connectionProblem(error, this.connection) ??
        new DatabaseUnavailableError(
          `cannot reach the database (${this.connection.description}): ${this.redact((error as Error).message)}`,
          {
            cause: error,
          },
        )
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * Asks pg_dump its version at every `prepare`, never from an earlier answer: a pg_dump upgraded in
   * place while the API runs writes another file, so an instant backup must not repeat the old one's.
   */
  private async pgDumpVersion(): Promise<number> {
    const result = await this.run(['--version'], {
      env: pgDumpEnvironment(this.env, { libpqEnvironment: this.connection.libpqEnvironment }),
      timeoutMs: 10_000,
    });
    const major = /\(PostgreSQL\)\s+(\d+)/.exec(result.stdout)?.[1];
    if (result.exitCode !== 0 || !major) {
      throw new DumpFailedError(`${this.pgDumpPath} --version did not answer like pg_dump`, {
        detail: this.redact(result.stderr),
      });
    }
    this.pgDumpVersionLine = result.stdout.trim().split('\n')[0];
    return Number(major);
  }

  private async run(args: string[], options: Parameters<ProcessRunner>[2]) {
    try {
      return await this.runner(this.pgDumpPath, args, options);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message;
      throw new DumpFailedError(`cannot run pg_dump at "${this.pgDumpPath}": ${reason} (set PG_DUMP_PATH)`, {
        cause: error,
      });
    }
  }

  private redact(text: string): string {
    return redactSecrets(text, this.connection);
  }
}

/** The line that says what went wrong: the last `error:` line (detail and hint lines follow it), else the last line. */
function mainError(text: string): string {
  const lines = text.split('\n').filter(Boolean);
  return lines.filter((line) => line.includes('error:')).at(-1) ?? lines.at(-1) ?? 'no message';
}

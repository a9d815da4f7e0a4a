import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import pg from 'pg';
import { AppError } from '../../errors/AppError.js';
import { databaseConnection, redactSecrets, type DatabaseConnection } from '../../db/databaseConnection.js';
import { dumpLines, scanDump } from './scanDump.js';

export interface RestoreOptions {
  /** The backup file (plain `.sql` or `.sql.gz`). */
  file: string;
  /** The database to restore into: created when missing; refused when not empty unless `clean`. */
  into: string;
  /** Empty the target first (drop and create it again). */
  clean?: boolean;
  /** The database the service backs up: never restored over unless `clean` is given. */
  protectedConnection?: DatabaseConnection;
  psqlPath?: string;
  /** Hears the share of the file restored so far, 0 to 1. */
  onProgress?: (share: number) => void;
  /** Hears the roles created on the target server (NOLOGIN), as soon as they are created. */
  onRolesCreated?: (roles: string[]) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RestoreSummary {
  database: string;
  tables: number;
  rows: number;
  largeObjects: number;
  /** Rows per table, `schema.table` as pg_dump names them. */
  rowsByTable: Record<string, number>;
  /** Roles the backup refers to that the target server lacked: created NOLOGIN. */
  createdRoles: string[];
  /** Settings of the dump's preamble the target server does not know (e.g. PostgreSQL 17's `transaction_timeout` on 15): skipped. */
  skippedSettings: string[];
  durationMs: number;
}

/** The restore could not start or psql stopped on an error (the message has the line and the error). */
export class RestoreFailedError extends AppError {
  constructor(message: string, options: { cause?: unknown; status?: number; code?: string } = {}) {
    super(options.status ?? 500, options.code ?? 'RESTORE_FAILED', message, { expose: true, cause: options.cause });
  }
}

/**
 * Restores one backup into a database with psql, in a single transaction that stops at the first
 * error. Prepares the target first: creates the database when missing (or, with `clean`, drops and
 * creates it), creates NOLOGIN the roles the dump refers to that the server lacks (a brand-new server
 * has none of the original's), and leaves out the preamble settings the server does not know (a dump
 * from a newer pg_dump). Returns what the database then holds.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const started = performance.now();
  const env = options.env ?? process.env;
  let target: DatabaseConnection;
  try {
    // The PG* variables apply to psql as they do to pg (which reads them from the process itself).
    const libpq = Object.fromEntries(Object.entries(env).filter(([name]) => /^PG[A-Z]+$/.test(name)));
    target = databaseConnection({ ...libpq, DATABASE_URL: options.into });
  } catch (error) {
    throw new RestoreFailedError(`--into: ${(error as Error).message.replace(/^DATABASE_URL:? ?/, '')}`, {
      status: 400,
      code: 'INVALID_TARGET',
    });
  }
  const database = target.database;
  if (!new URL(options.into).pathname.slice(1)) {
    throw new RestoreFailedError('name the database to restore into: --into postgresql://<user>@<host>:<port>/<database>', {
      status: 400,
      code: 'INVALID_TARGET',
    });
  }
  if (MAINTENANCE_DATABASES.includes(database)) {
    throw new RestoreFailedError(
      `never restores into ${database}: it is the server's maintenance or template database (every database created later would copy a template); name another`,
      { status: 400, code: 'INVALID_TARGET' },
    );
  }
  if (!options.clean && options.protectedConnection && sameDatabase(target, options.protectedConnection)) {
    throw new RestoreFailedError(
      `${target.description} is the database this service backs up: restoring over it needs --clean (which empties it first)`,
      { status: 400, code: 'PROTECTED_DATABASE' },
    );
  }
  const scan = await scanDump(dumpLines(options.file));
  if (!scan.isPgDump) {
    throw new RestoreFailedError(`${options.file} is not a plain pg_dump backup (no "-- PostgreSQL database dump" header)`, {
      status: 400,
      code: 'NOT_A_BACKUP',
    });
  }
  const admin = await connect(withDatabase(options.into, 'postgres'), target);
  let created = false;
  let createdRoles: string[] = [];
  let known: Set<string>;
  try {
    created = await prepareDatabase(admin, database, target, options);
    createdRoles = await createMissingRoles(admin, scan.roles);
    if (createdRoles.length > 0) options.onRolesCreated?.(createdRoles);
    known = new Set((await admin.query<{ name: string }>('select name from pg_settings')).rows.map((row) => row.name));
  } catch (error) {
    if (created) await admin.query(`drop database if exists ${quote(database)} with (force)`).catch(() => undefined);
    if (error instanceof RestoreFailedError) throw error;
    throw new RestoreFailedError(`the target server refused to prepare the restore: ${redactSecrets((error as Error).message, target)}`, {
      cause: error,
      status: 503,
      code: 'TARGET_REFUSED',
    });
  } finally {
    await admin.end().catch(() => undefined);
  }
  const skippedSettings = scan.settings.filter((name) => !known.has(name));
  try {
    await runPsql(options, target, new Set(skippedSettings));
  } catch (error) {
    // A database this restore created is not left behind half-made (the transaction left it empty).
    if (created) await dropDatabase(withDatabase(options.into, 'postgres'), database, target);
    throw error;
  }
  const contents = await contentsOf(options.into, target);
  return { database, ...contents, createdRoles, skippedSettings, durationMs: Math.round(performance.now() - started) };
}

/** Never restored into: `postgres` (the maintenance database) and the templates every new database copies. */
const MAINTENANCE_DATABASES = ['postgres', 'template0', 'template1'];

async function dropDatabase(adminUrl: string, database: string, target: DatabaseConnection): Promise<void> {
  const admin = await connect(adminUrl, target).catch(() => undefined);
  await admin?.query(`drop database if exists ${quote(database)} with (force)`).catch(() => undefined);
  await admin?.end().catch(() => undefined);
}

function sameDatabase(a: DatabaseConnection, b: DatabaseConnection): boolean {
  const where = (c: DatabaseConnection) => {
    const config = c.clientConfig as { host?: string; port?: number; connectionString?: string };
    const url = config.connectionString ? new URL(config.connectionString) : undefined;
    return `${url?.hostname || config.host || 'localhost'}:${url?.port || config.port || 5432}/${c.database}`;
  };
  return where(a) === where(b);
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function connect(url: string, target: DatabaseConnection): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    throw new RestoreFailedError(
      `cannot reach the target server (${target.description}): ${redactSecrets((error as Error).message, target)}`,
      {
        cause: error,
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
      },
    );
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates the target when missing (from template0: a template1 someone added to never reaches it);
 * refuses one that holds anything unless `clean`, which drops and creates it again. True when it created one.
 */
async function prepareDatabase(admin: pg.Client, database: string, target: DatabaseConnection, options: RestoreOptions): Promise<boolean> {
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [database])).rowCount! > 0;
  if (exists && options.clean) {
    await admin.query(`drop database ${quote(database)} with (force)`);
  } else if (exists) {
    const client = await connect(options.into, target);
    try {
      const { rows } = await client.query<{ objects: number }>(
        `select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
                    and n.nspname not like 'pg_temp%')::int
              + (select count(*) from pg_largeobject_metadata)::int as objects`,
      );
      if (rows[0]!.objects > 0) {
        throw new RestoreFailedError(
          `${target.description} is not empty: restore into a new or empty database, or give --clean to empty it first`,
          {
            status: 400,
            code: 'TARGET_NOT_EMPTY',
          },
        );
      }
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  await admin.query(`create database ${quote(database)} template template0`);
  return true;
}

/** Creates NOLOGIN each role the dump refers to that the server lacks; returns their names. */
async function createMissingRoles(admin: pg.Client, roles: string[]): Promise<string[]> {
  const existing = new Set((await admin.query<{ rolname: string }>('select rolname from pg_roles')).rows.map((row) => row.rolname));
  const missing = roles.filter((role) => !existing.has(role));
  for (const role of missing) {
    try {
      await admin.query(`create role ${quote(role)} nologin`);
    } catch (error) {
      throw new RestoreFailedError(
        `the backup refers to role "${role}", which the target server lacks, and this user may not create it (${(error as Error).message}): create it first`,
        { cause: error },
      );
    }
  }
  return missing;
}

/** Feeds the dump to psql (one transaction, stopping at the first error), leaving out the settings the server does not know. */
async function runPsql(options: RestoreOptions, target: DatabaseConnection, skipped: Set<string>): Promise<void> {
  const size = (await stat(options.file)).size;
  let read = 0;
  let lastShare = -1;
  const env = options.env ?? process.env;
  const psql = spawn(
    options.psqlPath ?? env.PSQL_PATH ?? 'psql',
    ['--no-psqlrc', '--quiet', '--no-password', '--single-transaction', '--set=ON_ERROR_STOP=1', ...target.dumpArgs, '--file=-'],
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
  let stderr = '';
  psql.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-64 * 1024)));
  const exited = new Promise<number | null>((resolve, reject) => {
    psql.on('error', reject);
    psql.on('close', (code) => resolve(code));
  });
  psql.stdin.on('error', () => undefined); // psql stopping early (an error) closes its input
  try {
    for await (const line of dumpLines(options.file, (bytes) => {
      read += bytes;
      const share = Math.floor((read / size) * 100);
      if (share !== lastShare) options.onProgress?.(share / 100);
      lastShare = share;
    })) {
      const set = /^SET ([a-z_.]+) = /.exec(line);
      const text = set && skipped.has(set[1]!) ? `-- restore: the target server has no setting ${set[1]}; left out` : line;
      // psql stopping (an error, a lost connection) never drains its input: stop waiting when it ends.
      if (!psql.stdin.write(`${text}\n`))
        await Promise.race([once(psql.stdin, 'drain').catch(() => undefined), exited.catch(() => undefined)]);
      if (psql.exitCode !== null) break;
    }
  } finally {
    psql.stdin.end();
  }
  let code: number | null;
  try {
    code = await exited;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'psql is not installed (set PSQL_PATH)' : (error as Error).message;
    throw new RestoreFailedError(`cannot run psql: ${reason}`, { cause: error });
  }
  if (code !== 0) {
    const error = /psql:<stdin>:(\d+): ERROR:\s+(.*)/.exec(stderr);
    const where = error
      ? `the statement ending on line ${error[1]}: ${error[2]}`
      : redactSecrets(stderr.trim().split('\n').at(-1) ?? `psql exited with ${code}`, target);
    throw new RestoreFailedError(`the restore stopped at ${where}; nothing was restored (one transaction)`);
  }
}

/** The tables, rows and large objects the restored database holds. */
async function contentsOf(
  url: string,
  target: DatabaseConnection,
): Promise<{ tables: number; rows: number; largeObjects: number; rowsByTable: Record<string, number> }> {
  const client = await connect(url, target);
  try {
    const { rows: tables } = await client.query<{ name: string; partitioned: boolean }>(
      `select format('%I.%I', n.nspname, c.relname) as name, c.relkind = 'p' as partitioned
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`,
    );
    const rowsByTable: Record<string, number> = {};
    for (const table of tables.filter((t) => !t.partitioned)) {
      rowsByTable[table.name] = (await client.query<{ n: number }>(`select count(*)::int as n from ${table.name}`)).rows[0]!.n;
    }
    const largeObjects = (await client.query<{ n: number }>('select count(*)::int as n from pg_largeobject_metadata')).rows[0]!.n;
    return {
      tables: tables.length,
      rows: Object.values(rowsByTable).reduce((sum, n) => sum + n, 0),
      largeObjects,
      rowsByTable,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

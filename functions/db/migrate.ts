import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { packageRoot } from '../config/packageRoot.js';
import { AppError } from '../errors/AppError.js';
import { silentLogger, type Logger } from '../log/Logger.js';
import { connectionProblem } from './connectionProblem.js';
import { redactSecrets, type DatabaseConnection } from './databaseConnection.js';
import { DatabaseUnavailableError } from './errors.js';

const MIGRATIONS_TABLE = 'pgmigrations';
/** The key of the session advisory lock that serialises migrations across processes (any fixed bigint). */
const MIGRATIONS_LOCK = 7_402_318_562;

/** The database role may not read or record migrations: a table created by another role, say. */
export class MigrationsNotAccessibleError extends AppError {
  constructor(message: string) {
    super('MIGRATIONS_NOT_ACCESSIBLE', message, { expose: true });
  }
}

/**
 * Applies the pending migrations of `migrations/` (node-pg-migrate, SQL files) and returns their names.
 * Processes starting together queue on one advisory lock, held for the whole run on the run's own
 * connection, so the migrations table is created and each migration applied exactly once. A role
 * that may not use the migrations table gets a message saying whose table it is and what to grant.
 */
export async function migrate(
  connection: DatabaseConnection,
  logger: Logger = silentLogger,
  { lockTimeoutMs = 60_000 }: { lockTimeoutMs?: number } = {},
): Promise<string[]> {
  const client = new pg.Client({ ...connection.clientConfig, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw (
      connectionProblem(error, connection) ??
      new DatabaseUnavailableError(
        `cannot reach the database (${connection.description}): ${redactSecrets((error as Error).message, connection)}`,
        {
          cause: error,
        },
      )
    );
  }
  // An idle connection dropped by the server must not crash the process.
  client.on('error', (error) => logger.warn('migrations.connection_lost', { error }));
  try {
    // Another process applying migrations holds a lock for seconds; one that holds it for a minute is
    // stuck. The limit stays on for the migrations themselves: a session holding a lock on a table they
    // change would otherwise make start-up wait for ever.
    await client.query(`set lock_timeout = ${Math.round(lockTimeoutMs)}`);
    const waited = `${Math.round(lockTimeoutMs / 1000)} s`;
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    } catch (error) {
      throw migrationError(error, await lockHolderMessage(client, waited));
    }
    await checkMigrationsTable(client);
    try {
      const applied = await runner({
        dbClient: client,
        dir: join(packageRoot(), 'migrations'),
        migrationsTable: MIGRATIONS_TABLE,
        direction: 'up',
        checkOrder: true,
        noLock: true,
        log: () => undefined,
      });
      const names = applied.map((migration) => migration.name);
      if (names.length > 0) logger.info('migrations.applied', { migrations: names });
      return names;
    } catch (error) {
      throw migrationError(error, `a migration waited over ${waited} for a table lock another session holds (see pg_locks)`);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Why the migrations lock was not granted within `waited`: the process holding it is still at work
 * (a migration over many notes can take minutes: the search index reads every note), or it is idle
 * (stuck). Says which, with its pid and statement, as far as pg_stat_activity shows them to this role.
 */
async function lockHolderMessage(client: pg.Client, waited: string): Promise<string> {
  const { rows } = await client
    .query<{ pid: number; state: string | null; seconds: number | null; query: string | null }>(
      `select a.pid, a.state, extract(epoch from now() - a.query_start)::int as seconds, left(a.query, 200) as query
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
          and ((l.classid::bigint << 32) | l.objid::bigint) = $1`,
      [MIGRATIONS_LOCK],
    )
    .catch(() => ({ rows: [] }));
  const holder = rows[0];
  if (holder?.state === 'active' && holder.query !== null) {
    const statement = holder.query.replace(/\s+/g, ' ').trim().slice(0, 80);
    return (
      `another process (pid ${holder.pid}) has held the migrations lock for over ${waited} and is still at work ` +
      `(for ${holder.seconds} s: ${statement}…); a migration of a database with many notes can take minutes: start again when it is done`
    );
  }
  const who = holder ? `another process (pid ${holder.pid}${holder.state ? `, ${holder.state}` : ''})` : 'another process';
  return `${who} has held the migrations lock for over ${waited}; is a migration stuck?`;
}

/**
 * A migration failure users can act on: a lock that was not granted in time (503), or a role lacking a
 * privilege (what to run instead); anything else unchanged. Either way the session ends (migrate's finally).
 */
function migrationError(error: unknown, lockMessage: string): unknown {
  let cause = error as { code?: string; message?: string; cause?: unknown } | undefined;
  while (cause?.cause && !cause.code) cause = cause.cause as typeof cause;
  const { code, message } = cause ?? {};
  if (code === '55P03') return new AppError('MIGRATIONS_BUSY', lockMessage, { expose: true, cause: error });
  if (code === '42501') {
    return new MigrationsNotAccessibleError(
      `the database role may not apply the migrations (${message}): run npm run migrate once as the database's owner, or GRANT CREATE ON SCHEMA public to this role`,
    );
  }
  return error;
}

/** Throws MigrationsNotAccessibleError when the migrations table exists but this role may not read and add to it. */
async function checkMigrationsTable(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{
    usable: boolean | null;
    owner: string | null;
    role: string;
    schema: string | null;
    searchPath: string;
    creates: boolean;
  }>(
    `select has_table_privilege(c.oid, 'SELECT') and has_table_privilege(c.oid, 'INSERT') as usable,
            pg_get_userbyid(c.relowner) as owner, current_user as role, current_schema() as schema,
            current_setting('search_path') as "searchPath",
            has_schema_privilege(current_schema(), 'CREATE') as creates
       from (select 1) as one
       left join (pg_class c join pg_namespace n on n.oid = c.relnamespace)
         on c.relname = $1 and n.nspname = current_schema()`,
    [MIGRATIONS_TABLE],
  );
  const table = rows[0]!;
  // No schema of the search_path that the role may use (REVOKE USAGE ON SCHEMA public): current_schema() is null.
  if (table.schema === null) {
    throw new MigrationsNotAccessibleError(
      `the database role "${table.role}" may use no schema of its search_path (${table.searchPath}): ` +
        `GRANT USAGE ON SCHEMA public TO "${table.role}" (and CREATE, for a new database), or run npm run migrate as the database's owner`,
    );
  }
  if (table.usable === null && !table.creates) {
    throw new MigrationsNotAccessibleError(
      `the database role "${table.role}" may not create the tables of a new database (no CREATE on schema ${table.schema}): ` +
        `run npm run migrate once as the database's owner, or GRANT CREATE ON SCHEMA ${table.schema} TO "${table.role}"`,
    );
  }
  if (table.usable === false) {
    throw new MigrationsNotAccessibleError(
      `the database role "${table.role}" may not use the migrations table ${MIGRATIONS_TABLE} (owned by "${table.owner}"): ` +
        `run npm run migrate as "${table.owner}", or GRANT SELECT, INSERT ON ${MIGRATIONS_TABLE} TO "${table.role}"`,
    );
  }
}

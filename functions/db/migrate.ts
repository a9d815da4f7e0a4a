import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { DatabaseUnavailableError } from '../backup/errors.js';
import { packageRoot } from '../config/packageRoot.js';
import { AppError } from '../errors/AppError.js';
import { silentLogger, type Logger } from '../log/Logger.js';
import { redactSecrets, type DatabaseConnection } from './databaseConnection.js';

const MIGRATIONS_TABLE = 'pgmigrations';
/** The key of the session advisory lock that serialises migrations across processes (any fixed bigint). */
const MIGRATIONS_LOCK = 7_402_318_562;

/** The database role may not read or record migrations: a table created by another role, say. */
export class MigrationsNotAccessibleError extends AppError {
  constructor(message: string) {
    super(500, 'MIGRATIONS_NOT_ACCESSIBLE', message, { expose: true });
  }
}

/**
 * Applies the pending migrations of `migrations/` (node-pg-migrate, SQL files) and returns their names.
 * Processes starting together queue on one advisory lock, held for the whole run on the run's own
 * connection, so the migrations table is created and each migration applied exactly once. A role
 * that may not use the migrations table gets a message saying whose table it is and what to grant.
 */
export async function migrate(connection: DatabaseConnection, logger: Logger = silentLogger): Promise<string[]> {
  const client = new pg.Client({ ...connection.clientConfig, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnavailableError(
      `cannot reach the database (${connection.description}): ${redactSecrets((error as Error).message, connection)}`,
      { cause: error },
    );
  }
  // An idle connection dropped by the server must not crash the process.
  client.on('error', (error) => logger.warn('migrations.connection_lost', { error }));
  try {
    // Another process applying migrations holds the lock for seconds; one that holds it for a minute is stuck.
    await client.query("set lock_timeout = '60s'");
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    } catch (error) {
      if ((error as { code?: string }).code !== '55P03') throw error;
      throw new AppError(503, 'MIGRATIONS_BUSY', 'another process has held the migrations lock for over 60 s; is a migration stuck?', {
        expose: true,
        cause: error,
      });
    }
    await client.query('reset lock_timeout');
    await checkMigrationsTable(client);
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
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Throws MigrationsNotAccessibleError when the migrations table exists but this role may not read and add to it. */
async function checkMigrationsTable(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ usable: boolean; owner: string; role: string }>(
    `select has_table_privilege(c.oid, 'SELECT') and has_table_privilege(c.oid, 'INSERT') as usable,
            pg_get_userbyid(c.relowner) as owner, current_user as role
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relname = $1 and n.nspname = current_schema()`,
    [MIGRATIONS_TABLE],
  );
  const table = rows[0];
  if (table && !table.usable) {
    throw new MigrationsNotAccessibleError(
      `the database role "${table.role}" may not use the migrations table ${MIGRATIONS_TABLE} (owned by "${table.owner}"): ` +
        `run npm run migrate as "${table.owner}", or GRANT SELECT, INSERT ON ${MIGRATIONS_TABLE} TO "${table.role}"`,
    );
  }
}

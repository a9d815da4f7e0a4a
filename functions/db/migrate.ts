import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import { packageRoot } from '../config/packageRoot.js';
import { silentLogger, type Logger } from '../log/Logger.js';
import type { DatabaseConnection } from './databaseConnection.js';

/**
 * Applies the pending migrations of `migrations/` (node-pg-migrate, SQL files) and returns their names.
 * Processes starting together wait on node-pg-migrate's advisory lock, so each migration runs once.
 */
export async function migrate(connection: DatabaseConnection, logger: Logger = silentLogger): Promise<string[]> {
  const applied = await runner({
    databaseUrl: connection.clientConfig,
    dir: join(packageRoot(), 'migrations'),
    migrationsTable: 'pgmigrations',
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: 'wait',
    log: () => undefined,
  });
  const names = applied.map((migration) => migration.name);
  if (names.length > 0) logger.info('migrations.applied', { migrations: names });
  return names;
}

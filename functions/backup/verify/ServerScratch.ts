import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConnection } from '../../db/databaseConnection.js';
import { restoreBackup } from '../restore/restoreBackup.js';
import type { DumpContents } from './RowCounter.js';
import type { ScratchDatabase } from './ScratchDatabase.js';

/**
 * A temporary database on the configured server (`notes_verify_<random>`), created for one restore
 * and dropped after it, whatever happened. Needs a role that may create databases.
 */
export class ServerScratch implements ScratchDatabase {
  constructor(private readonly connection: DatabaseConnection) {}

  async restore(path: string): Promise<DumpContents> {
    const name = `notes_verify_${randomBytes(6).toString('hex')}`;
    const server = serverUrl(this.connection);
    const into = new URL(server);
    into.pathname = `/${name}`;
    try {
      const summary = await restoreBackup({ file: path, into: into.toString() });
      return { rows: summary.rowsByTable, largeObjects: summary.largeObjects };
    } finally {
      const admin = new pg.Client({ connectionString: server, connectionTimeoutMillis: 10_000 });
      await admin
        .connect()
        .then(() => admin.query(`drop database if exists "${name}" with (force)`))
        .catch(() => undefined)
        .finally(() => admin.end().catch(() => undefined));
    }
  }
}

/** The server's `postgres` database as a URL (the password inside: it stays in memory, psql gets it as PGPASSWORD). */
function serverUrl(connection: DatabaseConnection): string {
  const config = connection.clientConfig as { connectionString?: string; host?: string; port?: number; user?: string; password?: string };
  const url = new URL(config.connectionString ?? 'postgresql://localhost');
  if (!config.connectionString) {
    url.hostname = config.host ?? 'localhost';
    if (config.port) url.port = String(config.port);
    if (config.user) url.username = encodeURIComponent(config.user);
    if (config.password) url.password = encodeURIComponent(config.password);
  }
  url.pathname = '/postgres';
  return url.toString();
}

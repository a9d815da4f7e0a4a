import pg from 'pg';
import { type DatabaseConnection, redactSecrets } from '../../db/databaseConnection.js';
import { RestoreFailedError } from './RestoreFailedError.js';

/** An identifier quoted for SQL. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `url` with another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** A connected client for `url`; a server that cannot be reached is a RestoreFailedError (503) naming `target`. */
export async function connectTo(url: string, target: DatabaseConnection): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new RestoreFailedError(
      `cannot reach the target server (${target.description}): ${redactSecrets((error as Error).message, target)}`,
      {
        cause: error,
        code: 'DATABASE_UNAVAILABLE',
      },
    );
  }
}

/** Drops `database` (ending its sessions), quietly: for cleaning up after a failed restore. */
export async function dropQuietly(adminUrl: string, database: string, target: DatabaseConnection): Promise<void> {
  const admin = await connectTo(adminUrl, target).catch(() => undefined);
  await admin?.query(`drop database if exists ${quoteIdent(database)} with (force)`).catch(() => undefined);
  await admin?.end().catch(() => undefined);
}

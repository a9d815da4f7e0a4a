import pg from 'pg';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { migrate } from '../functions/db/migrate.js';

/**
 * The database `name` on the server of `adminUrl`, created when missing and migrated: a bench's own
 * database, kept between runs so that a second run can skip filling it. Returns its URL.
 */
export async function benchDatabase(adminUrl: string, name: string): Promise<string> {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (!exists) await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  await migrate(databaseConnection({ DATABASE_URL: url.toString() }));
  return url.toString();
}

#!/usr/bin/env node
import { ConfigError } from '../functions/config/ConfigError.js';
import { databaseConnection, type DatabaseConnection } from '../functions/db/databaseConnection.js';
import { requireDatabaseSettings } from '../functions/db/hasDatabaseSettings.js';
import { migrate } from '../functions/db/migrate.js';
import { parseCommandLine } from './parseCommandLine.js';
import { runMain } from './runMain.js';
import { UsageError } from './UsageError.js';

const HELP = `
  Usage
    $ npm run migrate

  Applies the pending migrations of migrations/ to the database of DATABASE_URL (or the PG* variables).
  The API applies them too when it starts; running this twice changes nothing.
`;

await runMain('migrate', async () => {
  const cli = parseCommandLine('notes-migrate', HELP, { importMeta: import.meta });
  if (cli.input.length > 0) throw new UsageError(`unexpected argument "${cli.input[0]}"`);
  requireDatabaseSettings(process.env);
  // Only the connection is read: the backup settings are not the migrations' business.
  let connection: DatabaseConnection;
  try {
    connection = databaseConnection(process.env);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  const applied = await migrate(connection);
  process.stdout.write(applied.length > 0 ? `applied ${applied.join(', ')}\n` : 'the database is up to date\n');
});

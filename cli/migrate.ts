#!/usr/bin/env node
import meow from 'meow';
import { loadConfig } from '../functions/config/loadConfig.js';
import { migrate } from '../functions/db/migrate.js';

meow(
  `
  Usage
    $ npm run migrate

  Applies the pending migrations of migrations/ to the database of DATABASE_URL (or the PG* variables).
  The API applies them too when it starts; running this twice changes nothing.
`,
  { importMeta: import.meta, allowUnknownFlags: false },
);

try {
  const config = loadConfig();
  const applied = await migrate(config.connection);
  process.stdout.write(applied.length > 0 ? `applied ${applied.join(', ')}\n` : 'the database is up to date\n');
} catch (error) {
  process.stderr.write(`migrate: ${(error as Error).message}\n`);
  process.exitCode = 1;
}

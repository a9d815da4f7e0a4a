#!/usr/bin/env node
import meow from 'meow';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { installEmbeddedDumpSource } from '../functions/backup/embeddedDumpSource.js';
import { packageRoot } from '../functions/config/packageRoot.js';
import { redactUrl } from '../functions/db/databaseConnection.js';
import { jsonLogger } from '../functions/log/Logger.js';
import { startGateway, type RunningGateway } from '../gateway/startGateway.js';
import { Output } from './notes/Output.js';
import { runNotes } from './notes/runNotes.js';
import { UsageError } from './UsageError.js';

const cli = meow(
  `
  Usage
    $ npm start [-- --no-backup]

  Starts the notes API in this process and opens the notes app on it. Leaving the app backs up the
  database (into BACKUP_DIR, default api/backups) and stops the API.

  Database
    DATABASE_URL or PG* set   that PostgreSQL server, backed up with the native pg_dump
    neither                   the embedded database (PGlite) in .data/pglite ($NOTES_DATA_DIR),
                              backed up with its WASM pg_dump

  Options
    --no-backup               Leave without a backup
    --backup-timeout <secs>   How long to wait for the exit backup (default: 120)

  The API's JSON log goes to .data/api.log ($LOG_FILE).
`,
  {
    importMeta: import.meta,
    allowUnknownFlags: false,
    booleanDefault: undefined,
    flags: {
      backup: { type: 'boolean' },
      backupTimeout: { type: 'number', default: 120 },
    },
  },
);

const PG_VARIABLES = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSERVICE'];
const root = packageRoot();
const dataDir = join(root, '.data');
const output = new Output(process.stdout, process.stderr);
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

let embedded: { close(): Promise<void> } | undefined;
let gateway: RunningGateway | undefined;
let status = 0;
try {
  mkdirSync(dataDir, { recursive: true });
  const usesServer = Boolean(process.env.DATABASE_URL?.trim()) || PG_VARIABLES.some((name) => process.env[name]);
  if (usesServer) {
    const where = process.env.DATABASE_URL ? redactUrl(process.env.DATABASE_URL) : 'the PG* variables';
    output.err.write(`Database: PostgreSQL at ${where}, backed up with pg_dump. (Unset DATABASE_URL and PG* for the embedded database.)\n`);
  } else {
    const pgliteDir = process.env.NOTES_DATA_DIR?.trim() || join(dataDir, 'pglite');
    output.err.write(`Database: embedded PGlite in ${relative(process.cwd(), pgliteDir) || pgliteDir}. (Set DATABASE_URL to use a PostgreSQL server.)\n`);
    const { EmbeddedDatabase } = await import('../functions/db/EmbeddedDatabase.js');
    const { PgliteDumpSource } = await import('../functions/backup/PgliteDumpSource.js');
    const database = await EmbeddedDatabase.start(pgliteDir);
    embedded = database;
    process.env.DATABASE_URL = database.url;
    installEmbeddedDumpSource(new PgliteDumpSource(database.db));
  }
  // The API's log would scribble over the app in this terminal: it goes to a file instead.
  process.env.LOG_FILE ||= join(dataDir, 'api.log');
  gateway = await startGateway({ port: 0, host: '127.0.0.1', env: process.env, logger: jsonLogger() });
  status = await runNotes([], {}, { apiUrl: gateway.url, backup: cli.flags.backup as boolean | undefined, backupTimeoutSeconds: cli.flags.backupTimeout }, { input: process.stdin, output });
} catch (error) {
  process.stderr.write(`notes: ${error instanceof Error ? error.message : String(error)}\n`);
  status = error instanceof UsageError ? 2 : 1;
} finally {
  await gateway?.close();
  await embedded?.close();
}
process.exit(status);

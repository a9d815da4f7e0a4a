#!/usr/bin/env node
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DumpSource } from '../functions/backup/dump/DumpSource.js';
import { packageRoot } from '../functions/config/packageRoot.js';
import { hasDatabaseSettings } from '../functions/db/hasDatabaseSettings.js';
import { fileSink, jsonLogger } from '../functions/log/Logger.js';
import { startGateway, type RunningGateway } from '../gateway/startGateway.js';
import { counted } from './counted.js';
import { Output } from './notes/Output.js';
import { checkTimeout, runNotes } from './notes/runNotes.js';
import { ConfigError } from '../functions/config/ConfigError.js';
import { loadConfig } from '../functions/config/loadConfig.js';
import { parseCommandLine } from './parseCommandLine.js';
import { runMain } from './runMain.js';
import { Terminal } from './Terminal.js';
import { UsageError } from './UsageError.js';

const HELP = `
  Usage
    $ npm start [-- --no-backup]

  Starts the notes API in this process and opens the notes app on it. Leaving the app backs up the
  database (into BACKUP_DIR, default api/backups) and stops the API.

  Database
    DATABASE_URL or PG* set   that PostgreSQL server, backed up with the native pg_dump
    neither                   the embedded database (PGlite) in .data/pglite ($NOTES_DATA_DIR),
                              backed up with its WASM pg_dump as notes-<8 hex>_<time>.sql (the
                              folder's own name, in its notes-backup-name file; notes for a folder
                              made before names). A non-empty folder without a database is refused.

  Options
    --no-backup               Leave without a backup
    --backup-timeout <secs>   How long to wait for the exit backup (default: 120)

  A second Ctrl-C while the exit backup runs (or --backup-timeout passing) cancels it cleanly: pg_dump
  is stopped and nothing half-written is left. The embedded database's dump cannot be interrupted:
  it finishes first, and its backup is kept. Stopping before the prompt appears takes no backup.
  The API's JSON log goes to .data/api.log ($LOG_FILE).
`;

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const root = packageRoot();
const dataDir = join(root, '.data');
const terminal = Terminal.ofProcess();
const output = new Output(process.stdout, process.stderr, process.env, () => terminal.gone);

// The API's log would scribble over the app in this terminal: it goes to a file instead.
// A LOG_FILE of the user's must be in a folder that exists; the default one's folder is created.
const logFile = process.env.LOG_FILE?.trim() || join(dataDir, 'api.log');
if (!process.env.LOG_FILE?.trim()) mkdirSync(dataDir, { recursive: true });
const logger = jsonLogger(fileSink(logFile));

// Until the app's prompt is up, a signal stops the start-up: at once while nothing can be left
// half-done (connecting to a server, applying migrations: each runs in a transaction), or once the
// embedded database is open (a signal must not cut its creation short), closing it again. While the
// app runs, it handles the signals; afterwards they are ignored until the API has stopped.
let phase: 'starting' | 'running' | 'stopping' = 'starting';
let openingEmbedded = false;
let stoppedEarlyBy: string | undefined;
const stopEarly = (signal: string) => {
  output.note(`Stopped (${signal}) before the app opened: nothing changed, so no backup was taken.`);
  logger.info('app.stopped', { status: 0, before: 'the app opened', signal });
  terminal.exit(0);
};
for (const signal of STOP_SIGNALS) {
  process.on(signal, () => {
    if (phase !== 'starting') return;
    if (openingEmbedded) stoppedEarlyBy ??= signal;
    else stopEarly(signal);
  });
}

const shutdown = new AbortController();

await runMain(
  'notes',
  async () => {
    const cli = parseCommandLine('notes-start', HELP, {
      importMeta: import.meta,
      booleanDefault: undefined,
      flags: {
        backup: { type: 'boolean' },
        backupTimeout: { type: 'number', default: 120 },
      },
    });
    if (cli.input.length > 0) throw new UsageError(`unexpected argument "${cli.input[0]}" (npm start takes only options)`);
    checkTimeout(cli.flags.backupTimeout);
    try {
      appendFileSync(logFile, '');
    } catch (error) {
      throw new ConfigError(`LOG_FILE ${logFile} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    // Every setting is checked before anything starts: a bad one is one line, not a half-started app.
    const config = loadConfig(process.env);
    let embedded: { close(): Promise<void> } | undefined;
    let gateway: RunningGateway | undefined;
    try {
      let dumpSource: DumpSource | undefined;
      let env = process.env;
      if (hasDatabaseSettings(process.env)) {
        const where = process.env.DATABASE_URL?.trim() ? config.connection.description : 'the PG* variables';
        output.note(`Database: PostgreSQL at ${where}, backed up with pg_dump. (Unset DATABASE_URL and PG* for the embedded database.)`);
      } else {
        const pgliteDir = process.env.NOTES_DATA_DIR?.trim() || join(dataDir, 'pglite');
        output.note(
          `Database: embedded PGlite in ${relative(process.cwd(), pgliteDir) || pgliteDir}. (Set DATABASE_URL to use a PostgreSQL server.)`,
        );
        const { DataFolder } = await import('../functions/db/embedded/DataFolder.js');
        const { EmbeddedDatabase } = await import('../functions/db/embedded/EmbeddedDatabase.js');
        const { PgliteDumpSource } = await import('../functions/db/embedded/PgliteDumpSource.js');
        // A folder holding something else is refused here, before "Creating" is said (and again under the lock).
        const firstRun = !(await new DataFolder(pgliteDir).holdsDatabase());
        const started = performance.now();
        if (firstRun) output.note('Creating the embedded database (first run only)…');
        openingEmbedded = true;
        const database = await EmbeddedDatabase.start(pgliteDir);
        embedded = database;
        if (firstRun) output.note(`Created the embedded database in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
        env = { ...process.env, DATABASE_URL: database.url };
        // Backups are filed under the data folder's own name (notes-<8 hex>; `notes` for a folder made before names).
        dumpSource = new PgliteDumpSource(database.db, database.backupName, database.url);
      }
      gateway = await startGateway({ port: 0, host: '127.0.0.1', env, logger, dumpSource, shutdown: shutdown.signal });
      // Said when a backup is more than a local file: an empty BACKUP_ENCRYPT_RECIPIENTS then shows as no "encrypted".
      const backups = [
        ...(config.encryptTo ? [`encrypted for ${counted(config.encryptTo.length, 'age recipient')}`] : []),
        ...(gateway.offsite ? [`each also copied to ${gateway.offsite.url}`] : []),
      ];
      if (backups.length > 0) output.note(`Backups: ${shortPath(config.backupDir)}, ${backups.join(', ')}.`);
      for (const warning of gateway.offsite?.warnings ?? []) output.warn(warning);
      if (stoppedEarlyBy) {
        output.note(`Stopped (${stoppedEarlyBy}) before the app opened: nothing changed, so no backup was taken.`);
        return 0;
      }
      phase = 'running';
      return await runNotes(
        [],
        {},
        {
          apiUrl: gateway.url,
          backup: cli.flags.backup as boolean | undefined,
          backupTimeoutSeconds: cli.flags.backupTimeout,
          // The API runs in this process: stopping the wait cancels the backup cleanly rather than cutting it off.
          cancelBackup: () => shutdown.abort(),
        },
        { input: process.stdin, output },
      );
    } finally {
      phase = 'stopping';
      // A backup still under way (the user stopped waiting, or the wait timed out) is cancelled and
      // cleaned up before the API and the database close.
      shutdown.abort();
      await gateway?.close();
      await embedded?.close();
    }
  },
  {
    exit: (status) => {
      logger.info('app.stopped', { status, terminalGone: terminal.gone });
      terminal.exit(status);
    },
    printError: (line) => output.note(line),
  },
);

/** `path` relative to the working folder when inside it, else as it is. */
function shortPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') ? inside : path;
}

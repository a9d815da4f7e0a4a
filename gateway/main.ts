#!/usr/bin/env node
import { UsageError } from '../cli/UsageError.js';
import { parseCommandLine } from '../cli/parseCommandLine.js';
import { runMain } from '../cli/runMain.js';
import { requireDatabaseSettings } from '../functions/db/hasDatabaseSettings.js';
import { jsonLogger } from '../functions/log/Logger.js';
import { lambdaEndpoints } from './lambdaEndpoints.js';
import { startGateway } from './startGateway.js';

const HELP = `
  Usage
    $ npm run api [-- --port 3000 --host 127.0.0.1]

  Serves the routes of template.yaml over HTTP, calling the handlers in this process
  (as "sam local start-api" does with containers). Applies the migrations first.

  Options
    --port  Port to listen on (default: $PORT or 3000)
    --host  Address to listen on (default: $HOST or 127.0.0.1)

  The database comes from DATABASE_URL or the PG* variables (one of them is required); backups go
  to BACKUP_DIR (default api/backups in the project folder). With API_TOKEN set, every request
  needs Authorization: Bearer <API_TOKEN>. LAMBDA_ENDPOINT(S) switch to invoking Lambda containers.
  SIGINT or SIGTERM stops it: a backup under way is cancelled cleanly (pg_dump stopped, its partial
  file removed) and every request under way is answered before it exits.
`;

const logger = jsonLogger();
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
const shutdown = new AbortController();

await runMain('api', async () => {
  const cli = parseCommandLine('notes-api', HELP, {
    importMeta: import.meta,
    flags: {
      port: { type: 'number', default: Number(process.env.PORT ?? 3000) },
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    },
  });
  if (cli.input.length > 0) throw new UsageError(`unexpected argument "${cli.input[0]}"`);
  if (!Number.isInteger(cli.flags.port) || cli.flags.port < 0 || cli.flags.port > 65_535) {
    throw new UsageError(`--port (PORT) must be a port number from 0 to 65535 (got ${cli.flags.port})`);
  }
  if (lambdaEndpoints(process.env).size === 0) requireDatabaseSettings(process.env);
  const gateway = await startGateway({ port: cli.flags.port, host: cli.flags.host, env: process.env, logger, shutdown: shutdown.signal });
  process.stdout.write(`notes API listening on ${gateway.url}\n`);
  if (gateway.offsite) process.stdout.write(`Backups are also copied to ${gateway.offsite.url}\n`);
  for (const warning of gateway.offsite?.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  // In a container the gateway listens on 0.0.0.0, but compose may publish the port on the host's
  // loopback only (PUBLISHED_ON=127.0.0.1, set by docker/compose.yaml): then nobody else can reach it.
  const published = process.env.PUBLISHED_ON?.trim();
  const reachable = published ? !isLoopback(published) : !isLoopback(cli.flags.host);
  if (reachable && !process.env.API_TOKEN?.trim()) {
    process.stderr.write(
      `\nWARNING: listening on ${cli.flags.host} without API_TOKEN: anyone who can reach this port can back up,\n` +
        'read and change the notes. Set API_TOKEN (the notes app sends it with --token), or listen on 127.0.0.1.\n\n',
    );
    logger.warn('gateway.unprotected', { host: cli.flags.host });
  }
  // Stopping cancels a backup under way cleanly and answers every request under way first.
  const stop = (signal: string) => {
    if (shutdown.signal.aborted) return;
    logger.info('gateway.stopping', { signal });
    shutdown.abort();
    void gateway.close().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(signal));
});

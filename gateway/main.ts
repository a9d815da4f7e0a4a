#!/usr/bin/env node
import meow from 'meow';
import { jsonLogger } from '../functions/log/Logger.js';
import { startGateway } from './startGateway.js';

const cli = meow(
  `
  Usage
    $ npm run api [-- --port 3000 --host 127.0.0.1]

  Serves the routes of template.yaml over HTTP, calling the handlers in this process
  (as "sam local start-api" does with containers). Applies the migrations first.

  Options
    --port  Port to listen on (default: $PORT or 3000)
    --host  Address to listen on (default: $HOST or 127.0.0.1)

  The database comes from DATABASE_URL or the PG* variables; backups go to BACKUP_DIR
  (default api/backups in the project folder). With API_TOKEN set, every request needs
  Authorization: Bearer <API_TOKEN>. LAMBDA_ENDPOINT(S) switch to invoking Lambda containers.
`,
  {
    importMeta: import.meta,
    allowUnknownFlags: false,
    flags: {
      port: { type: 'number', default: Number(process.env.PORT ?? 3000) },
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    },
  },
);

const logger = jsonLogger();
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
try {
  const gateway = await startGateway({ port: cli.flags.port, host: cli.flags.host, env: process.env, logger });
  process.stdout.write(`notes API listening on ${gateway.url}\n`);
  if (!isLoopback(cli.flags.host) && !process.env.API_TOKEN?.trim()) {
    process.stderr.write(
      `\nWARNING: listening on ${cli.flags.host} without API_TOKEN: anyone who can reach this port can back up,\n` +
        'read and change the notes. Set API_TOKEN (the notes app sends it with --token), or listen on 127.0.0.1.\n\n',
    );
    logger.warn('gateway.unprotected', { host: cli.flags.host });
  }
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`notes API failed to start: ${(error as Error).message}\n`);
  process.exitCode = 1;
}

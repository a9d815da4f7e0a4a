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
  (default api/backups in the project folder).
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
try {
  const gateway = await startGateway({ port: cli.flags.port, host: cli.flags.host, env: process.env, logger });
  process.stdout.write(`notes API listening on ${gateway.url}\n`);
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`notes API failed to start: ${(error as Error).message}\n`);
  process.exitCode = 1;
}

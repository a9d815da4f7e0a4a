#!/usr/bin/env node
import meow from 'meow';
import { ApiError, ApiUnreachableError } from './notes/ApiClient.js';
import { COMMAND_FLAG_TYPES, CommandError, commandHelp } from './notes/commands.js';
import { Output } from './notes/Output.js';
import { runNotes } from './notes/runNotes.js';
import { UsageError } from './UsageError.js';

const cli = meow(
  `
  Usage
    $ notes                      the interactive app; leaving it backs up the database
    $ notes <command> [options]  run one command (no backup unless --backup)

  Commands
${commandHelp().replace(/^/gm, "  ")}

  Options
    --api-url <url>           The notes API (default: $API_URL, else http://localhost:3000)
    --token <token>           Sent as a bearer token (default: $API_TOKEN)
    --no-backup               Leave the interactive app without a backup
    --backup                  Back up after a one-shot command
    --backup-timeout <secs>   How long to wait for a backup (default: 120)
    --json                    Print JSON (listing and show commands)

  Leaving the app with exit, quit, Ctrl-D, Ctrl-C, SIGTERM or SIGHUP (terminal closed) takes one
  backup (POST /db-backup) and exits 0, also when the backup fails: the reason is printed.
  A second Ctrl-C while the backup runs stops waiting. Colour only on a terminal, never with NO_COLOR.

  Examples
    $ notes folder add home
    $ notes add "Groceries" --folder home --body "milk, eggs"
    $ notes notes --tag urgent --json
`,
  {
    importMeta: import.meta,
    allowUnknownFlags: false,
    booleanDefault: undefined,
    flags: {
      apiUrl: { type: 'string', default: process.env.API_URL || 'http://localhost:3000' },
      token: { type: 'string', default: process.env.API_TOKEN ?? '' },
      backup: { type: 'boolean' },
      backupTimeout: { type: 'number', default: 120 },
      ...Object.fromEntries(Object.entries(COMMAND_FLAG_TYPES).map(([name, type]) => [name, { type }])),
    },
  },
);

// Writing to a closed terminal (SIGHUP) must not crash the way out.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

const output = new Output(process.stdout, process.stderr);
const { apiUrl, token, backup, backupTimeout, ...commandFlags } = cli.flags;
try {
  const status = await runNotes(cli.input, commandFlags, { apiUrl, token, backup: backup as boolean | undefined, backupTimeoutSeconds: backupTimeout }, { input: process.stdin, output });
  process.exit(status);
} catch (error) {
  const known = error instanceof UsageError || error instanceof CommandError || error instanceof ApiError || error instanceof ApiUnreachableError;
  process.stderr.write(`notes: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}

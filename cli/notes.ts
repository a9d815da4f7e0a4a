#!/usr/bin/env node
import { COMMAND_FLAG_TYPES } from './notes/Command.js';
import { commandList } from './notes/commandList.js';
import { COMMANDS } from './notes/commands.js';
import { helpText } from './notes/helpText.js';
import { optionContext } from './notes/optionContext.js';
import { Output } from './notes/Output.js';
import { dashWordExample } from './notes/dashWordExample.js';
import { optionWithoutValue } from './notes/optionWithoutValue.js';
import { runNotes } from './notes/runNotes.js';
import { textFlagOwners } from './notes/textFlagOwners.js';
import { parseCommandLine } from './parseCommandLine.js';
import { runMain } from './runMain.js';
import { Terminal } from './Terminal.js';
import { UsageError } from './UsageError.js';

const HELP = `
  Usage
    $ notes                      the interactive app; leaving it backs up the database
    $ notes <command> [options]  run one command (no backup unless --backup)
    $ notes help <command>       how to use one command (also notes <command> --help)

  Commands
${commandList(COMMANDS).replace(/^/gm, '  ')}

  Options
    --api-url <url>           The notes API (default: $API_URL, else http://localhost:3000)
    --token <token>           Sent as Authorization: Bearer <token>, for the local gateway and the
                              containers (default: $API_TOKEN)
    --api-key <key>           Sent as x-api-key, for the API deployed on AWS (default: $API_KEY)
    --no-backup               Leave the interactive app without a backup
    --backup                  Back up after a one-shot command
    --backup-timeout <secs>   How long to wait for a backup (default: 120)
    --json                    Print JSON (listing and show commands)
    --all                     With backups: every database's backups, not only this one's

  Leaving the app with exit, quit, Ctrl-D, Ctrl-C, SIGTERM or SIGHUP, or by closing its terminal,
  takes one backup (POST /db-backup) and exits 0, also when the backup fails: the reason is printed.
  A second Ctrl-C while the backup runs stops waiting. Colour only on a terminal, never with NO_COLOR.

  Examples
    $ notes folder add home
    $ notes add "Groceries" --folder home --body "milk, eggs"
    $ notes notes --tag urgent --json
`;

/** The options (as typed, without dashes) that take a value: the word after one is not a command's word. */
const VALUE_OPTIONS = new Set([
  'api-url',
  'token',
  'api-key',
  'backup-timeout',
  ...Object.entries(COMMAND_FLAG_TYPES).flatMap(([name, type]) => (type === 'string' ? [name] : [])),
]);

const terminal = Terminal.ofProcess();
const output = new Output(process.stdout, process.stderr, process.env, () => terminal.gone);

await runMain(
  'notes',
  async () => {
    const cli = parseCommandLine(
      'notes',
      HELP,
      {
        importMeta: import.meta,
        booleanDefault: undefined,
        flags: {
          apiUrl: { type: 'string', default: process.env.API_URL || 'http://localhost:3000' },
          token: { type: 'string', default: process.env.API_TOKEN ?? '' },
          apiKey: { type: 'string', default: process.env.API_KEY ?? '' },
          backup: { type: 'boolean' },
          backupTimeout: { type: 'number', default: 120 },
          ...Object.fromEntries(Object.entries(COMMAND_FLAG_TYPES).map(([name, type]) => [name, { type }])),
        },
      },
      // `notes add --help`, like `notes help add`: that command's help, not the whole program's.
      {
        commandHelp: (words) => (words.length > 0 ? helpText(COMMANDS, words, 'notes ') : undefined),
        commandOf: (words) => optionContext(words, 'notes '),
        // Every option has two dashes: a word with one is most likely a word left out of a search.
        dashWordHint: (argv) =>
          `(a word starting with - goes after --, e.g. notes ${dashWordExample(argv, VALUE_OPTIONS, new Set(Object.keys(COMMAND_FLAG_TYPES)))})`,
      },
    );
    const missing = optionWithoutValue(process.argv.slice(2), VALUE_OPTIONS);
    if (missing) throw new UsageError(missing);
    const { apiUrl, token, apiKey, backup, backupTimeout, ...commandFlags } = cli.flags;
    return runNotes(
      cli.input,
      commandFlags,
      { apiUrl, token, apiKey, backup: backup as boolean | undefined, backupTimeoutSeconds: backupTimeout },
      { input: process.stdin, output },
      textFlagOwners(process.argv.slice(2), VALUE_OPTIONS),
    );
  },
  { exit: (status) => terminal.exit(status), printError: (line) => output.note(line) },
);

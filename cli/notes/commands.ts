import { UsageError } from '../UsageError.js';
import type { Command } from './Command.js';
import { BACKUP_COMMANDS } from './commands/backupCommands.js';
import { FOLDER_COMMANDS } from './commands/folderCommands.js';
import { NOTE_COMMANDS } from './commands/noteCommands.js';
import { TAG_COMMANDS } from './commands/tagCommands.js';
import { helpText } from './helpText.js';

export { backUpNow } from './commands/backUpNow.js';

/**
 * Every command of the notes app, one row each (its usage, help and handler), in the order help
 * lists them: help, Tab completion and the README's command list are all made from this table.
 */
export const COMMANDS: Command[] = [
  ...FOLDER_COMMANDS,
  ...NOTE_COMMANDS,
  ...TAG_COMMANDS,
  ...BACKUP_COMMANDS,
  {
    name: 'help',
    args: '[<command>]',
    summary: 'list the commands, or show how to use one (also <command> --help)',
    example: 'help folder add',
    flags: [],
    minArgs: 0,
    maxArgs: 2,
    async run(context, args) {
      context.output.print(helpText(COMMANDS, args, context.commandPrefix));
    },
  },
  // Typed alone at the prompt, exit and quit never reach these rows: interactiveSession leaves first.
  {
    name: 'exit',
    args: '',
    summary: 'back up the database and leave (also Ctrl-D, Ctrl-C)',
    example: 'exit',
    help: 'back up the database and leave the app (at the notes> prompt; also quit, Ctrl-D, Ctrl-C)',
    flags: [],
    minArgs: 0,
    maxArgs: 0,
    promptOnly: true,
    run: leaveOnlyAtThePrompt,
  },
  {
    name: 'quit',
    args: '',
    summary: 'the same as exit',
    example: 'quit',
    help: 'back up the database and leave the app (at the notes> prompt; also exit, Ctrl-D, Ctrl-C)',
    flags: [],
    minArgs: 0,
    maxArgs: 0,
    promptOnly: true,
    run: leaveOnlyAtThePrompt,
  },
];

/** exit or quit where there is nothing to leave (`notes exit`) or quoted (`"exit"`): says how to leave. */
async function leaveOnlyAtThePrompt(): Promise<void> {
  throw new UsageError('exit and quit leave the interactive app: type exit alone at its notes> prompt');
}

import type { OptionContext } from '../optionHint.js';
import { COMMAND_FLAG_TYPES, type CommandFlags } from './Command.js';
import { COMMANDS } from './commands.js';
import { findCommand } from './findCommand.js';
import { usageLine } from './usageLine.js';

/**
 * The command `words` name, as an unknown option's hint needs it: the command flags it does not take
 * (so that `folders --foldr` is not told to try `--folder`) and its usage line after `prefix`; undefined
 * when the words name no command. Pure.
 */
export function optionContext(words: readonly string[], prefix = ''): OptionContext | undefined {
  let command: ReturnType<typeof findCommand>['command'];
  try {
    ({ command } = findCommand(COMMANDS, words));
  } catch {
    return undefined;
  }
  const notTaken = (Object.keys(COMMAND_FLAG_TYPES) as (keyof CommandFlags)[]).filter((flag) => !command.flags.includes(flag));
  return { name: command.name, notTaken, usage: `usage: ${usageLine(command, { prefix })}` };
}

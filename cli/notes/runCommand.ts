import { UsageError } from '../UsageError.js';
import type { CommandContext, CommandFlags, LineFlags } from './Command.js';
import { COMMANDS } from './commands.js';
import { findCommand } from './findCommand.js';
import { helpText } from './helpText.js';
import { quotesHint } from './quotesHint.js';
import { usageLine } from './usageLine.js';

/**
 * Runs one command line of COMMANDS, checking its flags and argument count
 * first; with `--help` it prints the command's help instead. A bad line is a UsageError saying what
 * to type: the closest command or flag, the usage, or the line with a many-word title quoted.
 */
export async function runCommand(context: CommandContext, words: string[], flags: LineFlags): Promise<void> {
  const prefix = context.commandPrefix ?? '';
  const { help, ...commandFlags } = flags;
  if (help) return context.output.print(helpText(COMMANDS, words, prefix));
  const { command, args } = findCommand(COMMANDS, words);
  const usage = `usage: ${usageLine(command, { prefix })}`;
  for (const [flag, value] of Object.entries(commandFlags)) {
    if (value !== undefined && value !== false && !command.flags.includes(flag as keyof CommandFlags)) {
      throw new UsageError(`${command.name} does not take --${flag}; ${usage}`);
    }
  }
  if (args.length > command.maxArgs && command.freeTextArg) throw new UsageError(quotesHint(command, args, commandFlags, prefix));
  if (args.length > 0 && command.maxArgs === 0) throw new UsageError(`${command.name} takes no arguments`);
  if (args.length < command.minArgs || args.length > command.maxArgs) throw new UsageError(usage);
  await command.run(context, args, commandFlags);
}

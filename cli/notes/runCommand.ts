import { UsageError } from '../UsageError.js';
import type { Command, CommandContext, CommandFlags, LineFlags } from './Command.js';
import { COMMANDS } from './commands.js';
import { findCommand } from './findCommand.js';
import { helpText } from './helpText.js';
import { quotesHint } from './quotesHint.js';
import type { TextFlag } from './textFlagOwners.js';
import { usageLine } from './usageLine.js';

/**
 * Runs one command line of COMMANDS, checking its flags and argument count
 * first; with `--help` it prints the command's help instead. A bad line is a UsageError saying what
 * to type: the closest command or flag, the usage, or the line with a many-word title quoted.
 * `owners` (textFlagOwners, one per word) tells which words followed a `--title` or `--body` value:
 * then the line comes back with those words quoted into that value (`--body "milk eggs"`).
 */
export async function runCommand(
  context: CommandContext,
  words: string[],
  flags: LineFlags,
  owners: readonly (TextFlag | undefined)[] = [],
): Promise<void> {
  const prefix = context.commandPrefix ?? '';
  const { help, ...commandFlags } = flags;
  if (help) return context.output.print(helpText(COMMANDS, words, prefix));
  const { command, args } = findCommand(COMMANDS, words);
  // `notes exit now` in a shell: what matters is that there is nothing to leave, not the arguments.
  if (command.promptOnly && prefix) return command.run(context, args, commandFlags);
  const usage = `usage: ${usageLine(command, { prefix })}`;
  for (const [flag, value] of Object.entries(commandFlags)) {
    if (value !== undefined && value !== false && !command.flags.includes(flag as keyof CommandFlags)) {
      throw new UsageError(`${command.name} does not take --${flag}; ${usage}`);
    }
  }
  if (args.length > command.maxArgs) {
    const hint = textFlagHint(command, args, commandFlags, owners.slice(words.length - args.length), prefix);
    if (hint) throw new UsageError(hint);
  }
  if (args.length > command.maxArgs && command.freeTextArg) throw new UsageError(quotesHint(command, args, commandFlags, prefix));
  if (args.length > 0 && command.maxArgs === 0) throw new UsageError(`${command.name} takes no arguments`);
  if (args.length < command.minArgs || args.length > command.maxArgs) throw new UsageError(usage);
  await command.run(context, args, commandFlags);
}

/** The quotes hint when words of `args` followed a text flag's value: joined into it, the rest as typed. */
function textFlagHint(
  command: Command,
  args: string[],
  flags: CommandFlags,
  owners: readonly (TextFlag | undefined)[],
  prefix: string,
): string | undefined {
  if (owners.length !== args.length || owners.every((owner) => owner === undefined)) return undefined;
  const joined: CommandFlags = { ...flags };
  for (const [at, owner] of owners.entries()) if (owner) joined[owner] = `${joined[owner]} ${args[at]}`;
  const kept = args.filter((_, at) => owners[at] === undefined);
  // Too few left (`add --body a b`), or still too many and not a title (`edit 1 2 --title a b`): not this.
  if (kept.length < command.minArgs || (kept.length > command.maxArgs && !command.freeTextArg)) return undefined;
  return quotesHint(
    command,
    kept,
    joined,
    prefix,
    owners.find((owner) => owner !== undefined),
  );
}

import { UsageError } from '../UsageError.js';
import type { CommandContext, CommandFlags } from './Command.js';
import { COMMANDS } from './commands.js';
import type { Command } from './Command.js';

/** Finds the command that `words` start with (one or two words) and returns it with its arguments. */
export function findCommand(words: string[]): { command: Command; args: string[] } {
  const [first = '', second = ''] = words;
  const twoWords = COMMANDS.find((command) => command.name === `${first} ${second}`);
  if (twoWords) return { command: twoWords, args: words.slice(2) };
  const oneWord = COMMANDS.find((command) => command.name === first);
  if (oneWord) return { command: oneWord, args: words.slice(1) };
  if (first === 'folder') throw new UsageError('folder takes add, rename or rm; e.g. folder add home');
  throw new UsageError(`unknown command "${first}"; help lists the commands`);
}

/** Checks the argument count and flags of a command line, then runs it. */
export async function runCommand(context: CommandContext, words: string[], flags: CommandFlags): Promise<void> {
  const { command, args } = findCommand(words);
  const usage = `usage: ${command.name}${command.args ? ` ${command.args}` : ''}`;
  if (args.length < command.minArgs || args.length > command.maxArgs) throw new UsageError(usage);
  for (const [flag, value] of Object.entries(flags)) {
    if (value !== undefined && value !== false && !command.flags.includes(flag as keyof CommandFlags)) {
      throw new UsageError(`${command.name} does not take --${flag}; ${usage}`);
    }
  }
  await command.run(context, args, flags);
}

/** The commands and what they do, for `help`. */
export function commandHelp(): string {
  const rows = COMMANDS.map((command) => [`${command.name}${command.args ? ` ${command.args}` : ''}`, command.summary]);
  rows.push(['help', 'show this list'], ['exit, quit', 'back up the database and leave (also Ctrl-D, Ctrl-C)']);
  const width = Math.max(...rows.map(([left]) => left!.length));
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`).join('\n');
}

import type { Command } from './Command.js';
import { commandList } from './commandList.js';
import { findCommand } from './findCommand.js';
import { FLAG_HELP, typedFlag } from './flagHelp.js';
import { usageLine } from './usageLine.js';

/**
 * What `help [<command>]` and `<command> --help` print: the list of commands when `words` is empty,
 * the sub-commands of a group (`help folder`), or one command's usage, explanation, flags and example
 * (`help folder add`; words after the command are ignored). `prefix` is what a line starts with where
 * the user types it (`notes ` in a shell). An unknown command is a UsageError with a suggestion. Pure.
 */
export function helpText(commands: readonly Command[], words: readonly string[], prefix = ''): string {
  if (words.length === 0) {
    const options = prefix ? `; ${prefix}--help lists the options` : '';
    return `Commands:\n${commandList(commands)}\n${prefix}help <command> shows how to use one${options}`;
  }
  const [first = ''] = words;
  const isCommand = commands.some((command) => command.name === first);
  const group = words.length === 1 && !isCommand ? commands.filter((command) => command.name.startsWith(`${first} `)) : [];
  if (group.length > 0) {
    return `${first} commands:\n${commandList(group)}\n${prefix}help ${group[0]!.name} shows how to use one`;
  }
  const { command } = findCommand(commands, words);
  const typedAs = command.promptOnly ? '' : prefix;
  const flags = command.flags.map((flag) => [typedFlag(flag), FLAG_HELP[flag]?.meaning ?? ''] as const);
  const width = Math.max(0, ...flags.map(([typed]) => typed.length));
  return [
    `usage: ${usageLine(command, { prefix: typedAs })}`,
    command.help ?? command.summary,
    ...flags.map(([typed, meaning]) => `  ${typed.padEnd(width)}  ${meaning}`.trimEnd()),
    `example: ${typedAs}${command.example}`,
  ].join('\n');
}

import { UsageError } from '../UsageError.js';
import type { Command } from './Command.js';
import { suggest } from '../suggest.js';

/**
 * Finds the row of `commands` that `words` start with (one or two words) and returns it with its
 * arguments. An unknown command is a UsageError suggesting the closest name. Pure.
 */
export function findCommand(commands: readonly Command[], words: readonly string[]): { command: Command; args: string[] } {
  const [first = '', second = ''] = words;
  const twoWords = commands.find((command) => command.name === `${first} ${second}`);
  if (twoWords) return { command: twoWords, args: words.slice(2) };
  const oneWord = commands.find((command) => command.name === first);
  if (oneWord) return { command: oneWord, args: words.slice(1) };
  const group = subcommands(commands, first);
  if (group.length > 0) {
    const closest = second ? suggest(second, group) : undefined;
    const hint = closest
      ? `did you mean ${first} ${closest}?`
      : `e.g. ${commands.find((command) => command.name.startsWith(`${first} `))!.example}`;
    throw new UsageError(`${first} takes ${listed(group)}; ${hint}`);
  }
  const closest = suggest(first, [...new Set(commands.map((command) => command.name.split(' ')[0]!))]);
  throw new UsageError(
    `unknown command "${first}"; ${closest ? `did you mean ${closest}? (help lists the commands)` : 'help lists the commands'}`,
  );
}

/** The second words of the two-word commands that start with `first`: `add`, `rename`, `rm` for `folder`. */
export function subcommands(commands: readonly Command[], first: string): string[] {
  return commands.filter((command) => command.name.startsWith(`${first} `)).map((command) => command.name.slice(first.length + 1));
}

function listed(words: string[]): string {
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

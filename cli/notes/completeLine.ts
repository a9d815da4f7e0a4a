import type { Command } from './Command.js';
import { findCommand, subcommands } from './findCommand.js';

/**
 * Tab completion at the prompt (readline's `completer`): the candidates for the word being typed and
 * that word. The first word completes to a command (`fol` → folder, folders), the word after `folder`
 * to its sub-commands, the word after `help` to a command, and a word starting with `-` to a flag the
 * command takes (and --help). Arguments are the user's own: nothing. Pure.
 */
export function completeLine(commands: readonly Command[], line: string): [string[], string] {
  const words = line.trimStart().split(/\s+/);
  const typing = words.pop() ?? '';
  const before = words[0] === 'help' ? words.slice(1) : words;
  let candidates: string[] = [];
  if (typing.startsWith('-')) candidates = flagsOf(commands, words);
  else if (before.length === 0) candidates = commands.map((command) => command.name.split(' ')[0]!);
  else if (before.length === 1) candidates = subcommands(commands, before[0]!);
  const hits = [...new Set(candidates)].filter((candidate) => candidate.startsWith(typing)).sort();
  return [hits, typing];
}

function flagsOf(commands: readonly Command[], words: string[]): string[] {
  try {
    return [...findCommand(commands, words).command.flags, 'help'].map((flag) => `--${flag}`);
  } catch {
    return [];
  }
}

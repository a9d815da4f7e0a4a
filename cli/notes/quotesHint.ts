import type { Command, CommandFlags } from './Command.js';
import { quoteWord } from './quoteWord.js';

/**
 * The usage error for a free-text argument typed as several words without quotes: the line again
 * with those words quoted as one and the flags kept, e.g.
 * `a title of several words needs quotes: add "Shopping list" --folder home`. Words that start with a
 * dash go after `--` (flags before it), or they would be read as options: `add -- "-x y"`. Arguments
 * that fit (`args` no more than the command takes) stay as they are: `what` then names the flag whose
 * words were joined (`a body of several words needs quotes: add x --body "milk eggs"`). Pure.
 */
export function quotesHint(command: Command, args: readonly string[], flags: CommandFlags, prefix = '', what?: string): string {
  const joined = args.length > command.maxArgs;
  const fixed = joined ? args.slice(0, command.maxArgs - 1) : args;
  const texts = joined ? [args.slice(command.maxArgs - 1).join(' ')] : [];
  const options = Object.entries(flags).flatMap(([name, value]) => {
    if (value === undefined || value === false) return [];
    if (value === true) return [`--${name}`];
    // A value that starts with a dash would be read as a flag of its own: it goes after `=`.
    return String(value).startsWith('-') ? [`--${name}=${quoteWord(String(value))}`] : [`--${name}`, quoteWord(String(value))];
  });
  const words = [...fixed, ...texts];
  const line = words.some((word) => word.startsWith('-'))
    ? [`${prefix}${command.name}`, ...options, '--', ...words.map(quoteWord)].join(' ')
    : [`${prefix}${command.name}`, ...words.map(quoteWord), ...options].join(' ');
  const named = joined ? (/<([^<>]+)>\W*$/.exec(command.args)?.[1] ?? 'text') : (what ?? 'text');
  return `a ${named} of several words needs quotes: ${line}`;
}

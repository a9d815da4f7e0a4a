import { split } from 'shlex';
import { parseArgs } from 'node:util';
import { UsageError } from '../UsageError.js';
import { COMMAND_FLAG_TYPES, type LineFlags } from './Command.js';
import { suggest } from '../suggest.js';

const OPTIONS = Object.fromEntries([...Object.entries(COMMAND_FLAG_TYPES), ['help', 'boolean']].map(([name, type]) => [name, { type }]));

/**
 * Splits an interactive line like a POSIX shell would (quotes group words, a backslash escapes the
 * next character, also `\"` inside double quotes) and reads its flags. Unbalanced quotes, unknown
 * flags (with the closest known one) and flags missing their value are usage errors.
 */
export function parseLine(line: string): { words: string[]; flags: LineFlags } {
  let argv: string[];
  try {
    argv = split(line);
  } catch {
    throw new UsageError('unbalanced quotes or a trailing backslash: close every " and \' (write \\" for a quote inside double quotes)');
  }
  try {
    const { positionals, values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { words: positionals, flags: values as LineFlags };
  } catch (error) {
    throw new UsageError(flagProblem(error as Error & { code?: string }));
  }
}

function flagProblem(error: Error & { code?: string }): string {
  const option = /'(-[^' ]*)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    // Every option has two dashes: one dash is most likely a word left out of a search.
    if (option && /^-[^-]/.test(option)) return `unknown option ${option} (a word starting with - goes after --, e.g. search milk -- -tea)`;
    const closest = option?.startsWith('--') ? suggest(option.slice(2), Object.keys(OPTIONS)) : undefined;
    return `unknown option ${option ?? error.message}${closest ? `; did you mean --${closest}?` : ''}`;
  }
  if (/argument missing/.test(error.message)) return `${option} needs a value, e.g. ${option} "some text"`;
  if (/does not take an argument/.test(error.message)) return `${option} takes no value`;
  return error.message.replace(/\. To specify a positional argument.*$/s, '');
}

import { split } from 'shlex';
import { parseArgs } from 'node:util';
import { UsageError } from '../UsageError.js';
import { COMMAND_FLAG_TYPES, type CommandFlags } from './Command.js';

const OPTIONS = Object.fromEntries(Object.entries(COMMAND_FLAG_TYPES).map(([name, type]) => [name, { type }]));

/**
 * Splits an interactive line like a POSIX shell would (quotes group words, a backslash escapes the
 * next character, also `\"` inside double quotes) and reads its flags. Unbalanced quotes, unknown
 * flags and flags missing their value are usage errors.
 */
export function parseLine(line: string): { words: string[]; flags: CommandFlags } {
  let argv: string[];
  try {
    argv = split(line);
  } catch {
    throw new UsageError('unbalanced quotes or a trailing backslash: close every " and \' (write \\" for a quote inside double quotes)');
  }
  try {
    const { positionals, values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { words: positionals, flags: values as CommandFlags };
  } catch (error) {
    throw new UsageError(flagProblem(error as Error & { code?: string }));
  }
}

function flagProblem(error: Error & { code?: string }): string {
  const option = /'(-[^' ]*)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    // Every option has two dashes: one dash is most likely a word left out of a search.
    const hint = option && /^-[^-]/.test(option) ? ' (a word starting with - goes after --, e.g. search milk -- -tea)' : '';
    return `unknown option ${option ?? error.message}${hint}`;
  }
  if (/argument missing/.test(error.message)) return `${option} needs a value, e.g. ${option} "some text"`;
  if (/does not take an argument/.test(error.message)) return `${option} takes no value`;
  return error.message.replace(/\. To specify a positional argument.*$/s, '');
}

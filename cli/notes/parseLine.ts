import { split } from 'shlex';
import { parseArgs } from 'node:util';
import { UsageError } from '../UsageError.js';
import { optionHint } from '../optionHint.js';
import { COMMAND_FLAG_TYPES, type LineFlags } from './Command.js';
import { optionContext } from './optionContext.js';
import { dashWordExample } from './dashWordExample.js';
import { optionWithoutValue } from './optionWithoutValue.js';
import { quoteWord } from './quoteWord.js';
import { type TextFlag, textFlagOwners } from './textFlagOwners.js';

const OPTIONS = Object.fromEntries([...Object.entries(COMMAND_FLAG_TYPES), ['help', 'boolean']].map(([name, type]) => [name, { type }]));
const OPTION_NAMES = new Set(Object.keys(OPTIONS));
const VALUE_OPTIONS = new Set(Object.entries(COMMAND_FLAG_TYPES).flatMap(([name, type]) => (type === 'string' ? [name] : [])));

/**
 * Splits an interactive line like a POSIX shell would (quotes group words, a backslash escapes the
 * next character, also `\"` inside double quotes) and reads its flags. Unbalanced quotes, unknown
 * flags (with the closest one the command takes), flags missing their value and a flag given twice
 * are usage errors.
 * `owners`: for each word, the text flag whose value it followed (textFlagOwners), for runCommand's hint.
 */
export function parseLine(line: string): { words: string[]; flags: LineFlags; owners: (TextFlag | undefined)[] } {
  let argv: string[];
  try {
    argv = split(line);
  } catch {
    throw new UsageError('unbalanced quotes or a trailing backslash: close every " and \' (write \\" for a quote inside double quotes)');
  }
  const missing = optionWithoutValue(argv, VALUE_OPTIONS);
  if (missing) throw new UsageError(missing);
  let positionals: string[];
  let values: Record<string, unknown>;
  let tokens: { kind: string; name?: string }[];
  try {
    ({ positionals, values, tokens } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true }));
  } catch (error) {
    throw new UsageError(flagProblem(error as Error & { code?: string }, argv));
  }
  // parseArgs keeps the last of a flag given twice; `notes` on the command line refuses it, and so does the app.
  const names = tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : []));
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new UsageError(`--${twice} is given twice: give it once`);
  return { words: positionals, flags: values as LineFlags, owners: textFlagOwners(argv, VALUE_OPTIONS) };
}

function flagProblem(error: Error & { code?: string }, argv: string[]): string {
  const option = /'(-[^' ]*)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    // Every option has two dashes: one dash is most likely a word left out of a search.
    if (option && /^-[^-]/.test(option)) {
      // parseArgs names the first letter of `-tea`: name the word as typed.
      const word = argv.find((typed) => typed.startsWith(option)) ?? option;
      return `unknown option ${word} (a word starting with - goes after --, e.g. ${dashWordExample(argv, VALUE_OPTIONS, OPTION_NAMES)})`;
    }
    // Flags are read before the command is known: read the words again, leniently, to find it.
    const { positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: false });
    const hint = option?.startsWith('--') ? optionHint(option.slice(2), Object.keys(OPTIONS), optionContext(positionals)) : undefined;
    return `unknown option ${option ?? error.message}${hint ?? ''}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(error.message)) {
    const value = argv[argv.indexOf(option!) + 1] ?? '';
    return `${option} needs a value; one that starts with - is written ${option}=${quoteWord(value)}`;
  }
  if (/does not take an argument/.test(error.message)) return `${option} takes no value`;
  return error.message.replace(/\. To specify a positional argument.*$/s, '');
}

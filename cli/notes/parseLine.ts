import { parseArgs } from 'node:util';
import { parseArgsStringToArgv } from 'string-argv';
import { UsageError } from '../UsageError.js';
import { COMMAND_FLAG_TYPES, type CommandFlags } from './commands.js';

const OPTIONS = Object.fromEntries(Object.entries(COMMAND_FLAG_TYPES).map(([name, type]) => [name, { type }]));

/** Splits an interactive line like a shell would (quotes group words) and reads its flags. */
export function parseLine(line: string): { words: string[]; flags: CommandFlags } {
  let argv: string[];
  try {
    argv = parseArgsStringToArgv(line);
  } catch {
    throw new UsageError('unbalanced quotes');
  }
  try {
    const { positionals, values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { words: positionals, flags: values as CommandFlags };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

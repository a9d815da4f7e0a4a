import type { CommandFlags } from './Command.js';
import { FLAG_HELP } from './flagHelp.js';

/** The flags whose value is free text (`--title`, `--body`): several words of it belong in quotes. */
export type TextFlag = 'title' | 'body';

const TEXT_FLAGS = Object.entries(FLAG_HELP)
  .filter(([, help]) => help.value === '<text>')
  .map(([name]) => name as keyof CommandFlags);

/**
 * For each word of a command line that is not an option or an option's value (the words parseArgs
 * or meow hand over, in order), the text flag whose value it directly follows, else undefined:
 * `eggs` in `add Groceries --body milk eggs` belongs to `--body`, a value of several words typed
 * without quotes. `valueOptions` are the options (as typed, without dashes) that take a value. Pure.
 */
export function textFlagOwners(argv: readonly string[], valueOptions: ReadonlySet<string>): (TextFlag | undefined)[] {
  const owners: (TextFlag | undefined)[] = [];
  let owner: TextFlag | undefined;
  for (let at = 0; at < argv.length; at += 1) {
    const word = argv[at]!;
    if (word === '--') return [...owners, ...argv.slice(at + 1).map(() => undefined)];
    if (/^-./.test(word)) {
      const [, name = '', value] = /^--?([^=]*)(=.*)?$/s.exec(word) ?? [];
      if (value === undefined && valueOptions.has(name)) at += 1;
      owner = TEXT_FLAGS.includes(name as keyof CommandFlags) ? (name as TextFlag) : undefined;
      continue;
    }
    owners.push(owner);
  }
  return owners;
}

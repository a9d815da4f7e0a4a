import { quoteWord } from './quoteWord.js';

/**
 * The typed line again with the words that start with one dash after `--`, where they are words and
 * not options: `search milk -tea --folder home` → `search milk --folder home -- -tea`. From the first
 * such word on, the words go after `--`, in their order; options (and their values) go before it,
 * only those of `keptOptions` (a command's flags, not the program's `--api-url`). Options are as
 * typed, without dashes; `valueOptions` take a value. Pure.
 */
export function dashWordExample(argv: readonly string[], valueOptions: ReadonlySet<string>, keptOptions: ReadonlySet<string>): string {
  const before: string[] = [];
  const options: string[] = [];
  const after: string[] = [];
  for (let at = 0; at < argv.length; at += 1) {
    const word = argv[at]!;
    const words = after.length > 0 || /^-[^-]/.test(word) ? after : before;
    if (word === '--') {
      words.push(...argv.slice(at + 1));
      break;
    }
    if (/^--./.test(word)) {
      const [, name = '', value] = /^--([^=]*)(=.*)?$/s.exec(word) ?? [];
      const option = value === undefined && valueOptions.has(name) && at + 1 < argv.length ? [word, argv[++at]!] : [word];
      if (keptOptions.has(name)) options.push(...option);
    } else {
      words.push(word);
    }
  }
  return [...before, ...options, '--', ...after].map(quoteWord).join(' ');
}

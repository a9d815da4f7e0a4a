import meow, { type AnyFlags, type Options, type Result } from 'meow';
import { type OptionContext, optionHint } from './optionHint.js';
import { quoteWord } from './notes/quoteWord.js';
import { UsageError } from './UsageError.js';

export interface CommandLineHelp {
  /** The help for the command that the input words name (`notes add --help`), or undefined for the program's. */
  commandHelp?: (input: string[]) => string | undefined;
  /** The command that the input words name, for an unknown option's hint: options it does not take are not suggested. */
  commandOf?: (input: string[]) => OptionContext | undefined;
  /** Said after an unknown option typed with one dash (`-tea`), e.g. that such a word goes after `--`; given the words as typed. */
  dashWordHint?: (argv: readonly string[]) => string;
}

/**
 * meow, with four differences: --help anywhere shows the help (and does nothing else), the help of
 * the command named before it when `commandHelp` gives one; an unknown option is a UsageError naming
 * it and the closest known option the command takes (one line, the entry point prefixes its program
 * name and exits 2), instead of meow's own two-line report — a word like `-tea` as typed (with
 * `dashWordHint`), and a flag whose value starts with a dash (`--body -x`) with the `--body=-x` to
 * write; a switch given a value other than true or false (`--dry-run=1`, which meow reads as false) is
 * a UsageError too; and the process is named `title` (what `ps` shows), where meow would name every command
 * line after the package's bin.
 */
export function parseCommandLine<Flags extends AnyFlags>(
  title: string,
  help: string,
  options: Options<Flags>,
  { commandHelp, commandOf, dashWordHint }: CommandLineHelp = {},
): Result<Flags> {
  // No package description above the help (it describes the package, not this command).
  const cli = meow(help, { description: false, ...options, allowUnknownFlags: true });
  process.title = title;
  // meow shows the help for a lone --help only; `db-backup verify --help` must show it too, not run.
  if (cli.flags.help) {
    const text = commandHelp?.(cli.input);
    if (text === undefined) cli.showHelp(0);
    process.stdout.write(`${text}\n`);
    process.exit(0);
  }
  // The words as typed, up to `--`: meow has split `-tea` into t, e and a, and read `--body -x` as --body and -x.
  const argv = options.argv ?? process.argv.slice(2);
  const words = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  // meow reads `--dry-run=1` or `--full=yes` as false: the command would silently do the opposite.
  const valuedSwitch = words.find((word) => {
    const [, name, value] = /^--(?:no-)?([a-z][a-z-]*)=(.*)$/s.exec(word) ?? [];
    return name !== undefined && options.flags?.[camel(name)]?.type === 'boolean' && value !== 'true' && value !== 'false';
  });
  if (valuedSwitch) {
    const flag = valuedSwitch.slice(0, valuedSwitch.indexOf('='));
    throw new UsageError(`${flag} takes no value (got ${quoteWord(valuedSwitch)}): write ${flag} alone`);
  }
  const typed = (name: string) => (cli.flags[name] === false ? `--no-${spelled(name).slice(2)}` : spelled(name));
  const known = new Set([...Object.keys(options.flags ?? {}), 'help', 'version']);
  const unknown = Object.keys(cli.flags).filter((name) => !known.has(name));
  if (unknown.length === 0) return cli;
  const valueWithDash = words.findIndex(
    (word, at) =>
      /^--[a-z][a-z-]*$/.test(word) && options.flags?.[camel(word.slice(2))]?.type === 'string' && /^-[^-]/.test(words[at + 1] ?? ''),
  );
  if (valueWithDash >= 0) {
    const [flag, value] = [words[valueWithDash]!, words[valueWithDash + 1]!];
    throw new UsageError(`${flag} needs a value; one that starts with - is written ${flag}=${quoteWord(value)}`);
  }
  const dashWords = words.filter((word) => /^-[^-\d]/.test(word));
  if (dashWordHint && dashWords.length > 0 && unknown.every((name) => name.length === 1)) {
    throw new UsageError(`unknown ${dashWords.length === 1 ? 'option' : 'options'} ${dashWords.join(', ')} ${dashWordHint(argv)}`);
  }
  if (unknown.length === 1) {
    // `--no-bakup` is meow's bakup: false; the closest then is a flag that can be negated.
    const negated = cli.flags[unknown[0]!] === false;
    const candidates = [...known].filter((name) => name.length > 1 && (!negated || options.flags?.[name]?.type === 'boolean'));
    const hint = optionHint(
      spelled(unknown[0]!).slice(2),
      candidates.map((name) => spelled(name).slice(2)),
      commandOf?.(cli.input),
      negated ? '--no-' : '--',
    );
    throw new UsageError(`unknown option ${typed(unknown[0]!)}${hint ?? ' (see --help)'}`);
  }
  throw new UsageError(`unknown options ${unknown.map(typed).join(', ')} (see --help)`);
}

/** A flag as typed: `apiUrl` → `--api-url`, `x` → `-x`. */
function spelled(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A flag's name as meow keys it: `api-url` → `apiUrl`. */
function camel(typed: string): string {
  return typed.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

import meow, { type AnyFlags, type Options, type Result } from 'meow';
import { suggest } from './suggest.js';
import { UsageError } from './UsageError.js';

export interface CommandLineHelp {
  /** The help for the command that the input words name (`notes add --help`), or undefined for the program's. */
  commandHelp?: (input: string[]) => string | undefined;
}

/**
 * meow, with three differences: --help anywhere shows the help (and does nothing else), the help of
 * the command named before it when `commandHelp` gives one; an unknown option is a UsageError naming
 * it and the closest known option (one line, the entry point prefixes its program name and exits 2),
 * instead of meow's own two-line report; and the process is named `title` (what `ps` shows), where
 * meow would name every command line after the package's bin.
 */
export function parseCommandLine<Flags extends AnyFlags>(
  title: string,
  help: string,
  options: Options<Flags>,
  { commandHelp }: CommandLineHelp = {},
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
  const typed = (name: string) => (cli.flags[name] === false ? `--no-${spelled(name).slice(2)}` : spelled(name));
  const known = new Set([...Object.keys(options.flags ?? {}), 'help', 'version']);
  const unknown = Object.keys(cli.flags).filter((name) => !known.has(name));
  if (unknown.length === 1) {
    // `--no-bakup` is meow's bakup: false; the closest then is a flag that can be negated.
    const negated = cli.flags[unknown[0]!] === false;
    const candidates = [...known].filter((name) => name.length > 1 && (!negated || options.flags?.[name]?.type === 'boolean'));
    const closest = suggest(
      spelled(unknown[0]!).slice(2),
      candidates.map((name) => spelled(name).slice(2)),
    );
    const hint = closest ? `; did you mean --${negated ? 'no-' : ''}${closest}?` : ' (see --help)';
    throw new UsageError(`unknown option ${typed(unknown[0]!)}${hint}`);
  }
  if (unknown.length > 1) throw new UsageError(`unknown options ${unknown.map(typed).join(', ')} (see --help)`);
  return cli;
}

/** A flag as typed: `apiUrl` → `--api-url`, `x` → `-x`. */
function spelled(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

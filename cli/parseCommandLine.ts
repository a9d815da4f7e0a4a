import meow, { type AnyFlags, type Options, type Result } from 'meow';
import { UsageError } from './UsageError.js';

/**
 * meow, with three differences: --help anywhere shows the help (and does nothing else); an unknown option is a UsageError naming it (one line, the entry point
 * prefixes its program name and exits 2), instead of meow's own two-line report; and the process is
 * named `title` (what `ps` shows), where meow would name every command line after the package's bin.
 */
export function parseCommandLine<Flags extends AnyFlags>(title: string, help: string, options: Options<Flags>): Result<Flags> {
  // No package description above the help (it describes the package, not this command).
  const cli = meow(help, { description: false, ...options, allowUnknownFlags: true });
  process.title = title;
  // meow shows the help for a lone --help only; `db-backup verify --help` must show it too, not run.
  if (cli.flags.help) cli.showHelp(0);
  const known = new Set([...Object.keys(options.flags ?? {}), 'help', 'version']);
  const unknown = Object.keys(cli.flags).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const spelled = unknown.map((name) => (name.length === 1 ? `-${name}` : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`));
    throw new UsageError(`unknown option${spelled.length > 1 ? 's' : ''} ${spelled.join(', ')} (see --help)`);
  }
  return cli;
}

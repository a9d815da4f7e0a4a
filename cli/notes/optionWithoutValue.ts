/**
 * The usage error for an option typed without its value (`add x --body`, `notes --tag --json`), the
 * same at the prompt and in a shell, or undefined. meow would read such an option as the empty
 * string and run the command with it. `valueOptions`: the options (without dashes) that take a
 * value. Pure.
 */
export function optionWithoutValue(argv: readonly string[], valueOptions: ReadonlySet<string>): string | undefined {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  for (let at = 0; at < end; at += 1) {
    const option = /^--([^=]+)$/.exec(argv[at]!)?.[1];
    if (option === undefined || !valueOptions.has(option)) continue;
    const next = argv[at + 1];
    if (at + 1 >= end || next === undefined || next.startsWith('--')) return `--${option} needs a value, e.g. --${option} "some text"`;
    at += 1;
  }
  return undefined;
}

import { suggest } from './suggest.js';

/** The command a line names, for an unknown option's hint: the options it does not take, and its usage. */
export interface OptionContext {
  name: string;
  /** Options of the program (as typed, without dashes: `folder`) that this command does not take. */
  notTaken: readonly string[];
  usage: string;
}

/**
 * What follows `unknown option --<typed>`: `; did you mean --folder?` for the closest of `options` the
 * command takes, else, when the closest overall is one it does not take, `; folders takes no --folder;
 * usage: …`, else undefined. Names as typed, without dashes; `dashes` is `--no-` for a negated option. Pure.
 */
export function optionHint(typed: string, options: readonly string[], command?: OptionContext, dashes = '--'): string | undefined {
  const taken = options.filter((option) => !command?.notTaken.includes(option));
  const closest = suggest(typed, taken);
  if (closest !== undefined) return `; did you mean ${dashes}${closest}?`;
  const closestOverall = command ? suggest(typed, options) : undefined;
  return closestOverall === undefined ? undefined : `; ${command!.name} takes no ${dashes}${closestOverall}; ${command!.usage}`;
}

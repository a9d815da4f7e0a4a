import type { Command } from './Command.js';
import { typedFlag } from './flagHelp.js';

/**
 * How a command is typed, with its flags: `add <title> [--body <text>] [--folder <path>] [--json]`
 * (`--json` left out with `json: false`), after `prefix` (`notes ` in a shell). Pure.
 */
export function usageLine(command: Command, options: { prefix?: string; json?: boolean } = {}): string {
  const flags = command.flags
    .filter((flag) => options.json !== false || flag !== 'json')
    .map((flag) => (command.requiredFlags?.includes(flag) ? typedFlag(flag) : `[${typedFlag(flag)}]`));
  return [`${options.prefix ?? ''}${command.name}`, command.args, ...flags].filter(Boolean).join(' ');
}

import type { Command } from './Command.js';

/** One aligned line per command, its name and arguments then its summary (for `help` and `notes --help`). Pure. */
export function commandList(commands: readonly Command[]): string {
  const rows = commands.map((command) => [[command.name, command.args].filter(Boolean).join(' '), command.summary] as const);
  const width = Math.max(...rows.map(([typed]) => typed.length));
  return rows.map(([typed, summary]) => `  ${typed.padEnd(width)}  ${summary}`).join('\n');
}

import type { Command } from './Command.js';
import { COMMANDS } from './commands.js';
import { usageLine } from './usageLine.js';

/** One part of the documentation made from the command table: its file, where in it, and its text. */
export interface CommandDoc {
  /** Relative to the project folder. */
  file: string;
  /** Finds the part in the file, its marker lines included. */
  block: RegExp;
  /** The part as it should read, marker lines included, for `commands` (COMMANDS by default). */
  text(commands?: readonly Command[]): string;
}

const firstLine = (what: string) =>
  `<!-- Made by \`npm run docs:commands\` from cli/notes/commands.ts (the ${what}): edit the rows there. -->`;
const lastLine = (what: string) => `<!-- End of the ${what} made by \`npm run docs:commands\`. -->`;
const between = (what: string) => new RegExp(`${escaped(firstLine(what))}\\n[^]*?${escaped(lastLine(what))}`);
/** Blank lines around the part: a Markdown renderer must not read a marker as part of it. */
const marked = (what: string, lines: string[]) => [firstLine(what), '', ...lines, '', lastLine(what)].join('\n');

/**
 * The parts of the README and docs/notes-app.md made from COMMANDS: `npm run docs:commands` writes
 * them, and a unit test fails while a file differs. Pure.
 */
export const COMMAND_DOCS: CommandDoc[] = [
  {
    file: 'README.md',
    block: between('command list'),
    text: (commands = COMMANDS) =>
      marked('command list', [
        '```',
        ...wrapped(
          commands.map((command) => usageLine(command, { json: false })),
          100,
        ),
        '```',
      ]),
  },
  {
    file: 'docs/notes-app.md',
    block: between('command table'),
    text: (commands = COMMANDS) =>
      marked(
        'command table',
        table([
          ['Command', 'What it does'],
          ...commands.map((command) => [`\`${usageLine(command, { json: false })}\``, codeSpans(command.help ?? command.summary)]),
        ]),
      ),
  },
];

/** The items joined with ` · `, in lines of at most `width` characters (an item longer than that alone on its line). */
function wrapped(items: string[], width: number): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 3 + item.length <= width) lines[lines.length - 1] = `${last} · ${item}`;
    else lines.push(item);
  }
  return lines;
}

/** A Markdown table padded as Biome formats it (it checks the docs): each column as wide as its widest cell. */
function table(rows: string[][]): string[] {
  const cells = rows.map((row) => row.map((cell) => cell.replaceAll('|', '\\|')));
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(cells[0]!), line(widths.map((width) => '-'.repeat(width))), ...cells.slice(1).map(line)];
}

/** Flags, their values and `<placeholders>` in code spans: Markdown would read `<path>` as an HTML tag. */
function codeSpans(text: string): string {
  return text.replace(/--[a-z-]+(?: (?:<[^>]+>|\/|[a-z]+(?:\|[a-z]+)+))?|<[^>]+>/g, (typed) => `\`${typed}\``);
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

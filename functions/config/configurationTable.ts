import { SETTINGS, type Setting } from './settings.js';

const FIRST_LINE = '<!-- Made by `npm run docs:config` from functions/config/settings.ts: edit the rows there. -->';
const LAST_LINE = '<!-- End of the table made by `npm run docs:config`. -->';

/** Where docs/configuration.md holds the table, its two marker lines included. */
export const CONFIGURATION_TABLE_IN_README = new RegExp(`${escaped(FIRST_LINE)}\\n[^]*?${escaped(LAST_LINE)}`);

/**
 * The configuration table (docs/configuration.md), a row per row of `settings` (SETTINGS by default), between the
 * marker lines that CONFIGURATION_TABLE_IN_README finds. Pure: `npm run docs:config` writes it.
 */
export function configurationTable(settings: Record<string, Setting<unknown>> = SETTINGS): string {
  const rows = Object.values(settings).map((row) => [
    `\`${row.name}\``,
    row.shown ?? `\`${String(row.fallback)}\``,
    row.parser.accepts,
    row.onlyWith ? `${row.meaning} Read only with \`${row.onlyWith.name}=${row.onlyWith.value}\`.` : row.meaning,
  ]);
  const cells = [['Variable', 'Default', 'Accepts', 'Meaning'], ...rows].map((row) => row.map((cell) => cell.replaceAll('|', '\\|')));
  // Padded as Biome formats Markdown tables (it checks the docs): each column as wide as its widest cell.
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  const lines = [line(cells[0]!), line(widths.map((width) => '-'.repeat(width))), ...cells.slice(1).map(line)];
  // Blank lines around the table: a renderer must not read a marker as a row of it.
  return [FIRST_LINE, '', ...lines, '', LAST_LINE].join('\n');
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

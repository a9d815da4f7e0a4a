import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../functions/config/packageRoot.js';
import { currentCommit } from './currentCommit.js';
import type { Stats } from './stats.js';

/** A Markdown table of min / median / max per row, titled `title`. */
export function statsTable(title: string, results: Record<string, Stats>): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const figure = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));
  return [
    row([title, 'min', 'median', 'max']),
    row(['---', '---:', '---:', '---:']),
    ...Object.entries(results).map(([name, r]) => row([name, figure(r.min), figure(r.median), figure(r.max)])),
  ].join('\n');
}

/** Load averages (1, 5, 15 min) as printed. */
export const loadAverages = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' ');

/** Writes `report` as `bench/results/<kind>-<date>.json`, with the date, commit, cores and Node version; returns its path. */
export async function writeBenchReport(kind: string, report: Record<string, unknown>): Promise<string> {
  const date = new Date().toISOString();
  const resultsDir = join(packageRoot(), 'bench/results');
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `${kind}-${date.replace(/:/g, '-')}.json`);
  const header = { date, commit: currentCommit(), cpus: cpus().length, node: process.version };
  await writeFile(file, `${JSON.stringify({ ...header, ...report }, null, 2)}\n`);
  return file;
}

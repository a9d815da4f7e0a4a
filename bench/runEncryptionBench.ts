import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../functions/config/packageRoot.js';
import { currentCommit } from './currentCommit.js';
import { measureEncryption } from './measureEncryption.js';

/** `npm run bench -- encryption`: measures, prints a table with the ratios and the machine's load, and writes it as JSON to bench/results/. */
export async function runEncryptionBench(
  url: string,
  options: { sizeMb: number; rounds: number; gzip: boolean; log: (line: string) => void },
): Promise<void> {
  const { sizeMb, rounds, log } = options;
  const report = await measureEncryption(url, options);
  const commit = currentCommit();
  const date = new Date().toISOString();
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const figure = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  process.stdout.write(
    `${[
      row(['encryption bench', 'min', 'median', 'max']),
      row(['---', '---:', '---:', '---:']),
      ...Object.entries(report.results).map(([name, r]) => row([name, figure(r.min), figure(r.median), figure(r.max)])),
    ].join('\n')}\n\n` +
      `${Object.entries(report.ratios)
        .map(([name, ratio]) => `${name} (medians): ${ratio.toFixed(2)}× (target 1.25×)`)
        .join('\n')}\n` +
      `sizes: ${Object.entries(report.bytes)
        .map(([name, bytes]) => `${name} ${bytes.toLocaleString('en-US')} bytes`)
        .join(', ')}; ${rounds} rounds each, alternated\n` +
      `${report.openedByAgeCli}\n` +
      `load average (1, 5, 15 min) before ${load(report.loadAverage.before)}, after ${load(report.loadAverage.after)} on ${cpus().length} cores\n`,
  );
  const resultsDir = join(packageRoot(), 'bench/results');
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `encryption-${date.replace(/:/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ date, commit, cpus: cpus().length, node: process.version, sizeMb, ...report }, null, 2)}\n`);
  log(`written to ${file}`);
}

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../functions/config/packageRoot.js';
import { currentCommit } from './currentCommit.js';
import { measureOffsite } from './measureOffsite.js';

/** `npm run bench -- offsite`: measures, prints a table with the ratio and the machine's load, and writes it as JSON to bench/results/. */
export async function runOffsiteBench(
  url: string,
  options: { sizeMb: number; rounds: number; swiftNice: number; log: (line: string) => void; cpuProfileDir?: string },
): Promise<void> {
  const { sizeMb, rounds, swiftNice, log } = options;
  const report = await measureOffsite(url, options);
  const commit = currentCommit();
  const date = new Date().toISOString();
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const figure = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  process.stdout.write(
    `${[
      row(['offsite bench', 'min', 'median', 'max']),
      row(['---', '---:', '---:', '---:']),
      ...Object.entries(report.results).map(([name, r]) => row([name, figure(r.min), figure(r.median), figure(r.max)])),
    ].join('\n')}\n\n` +
      `with / without (medians): ${report.ratio.toFixed(2)}× (target 1.15×), ${rounds} rounds each, alternated\n` +
      `dump ${report.bytes.toLocaleString('en-US')} bytes, parts of ${((report.partSize ?? 0) / 1024 / 1024).toFixed(0)} MiB; ` +
      `the last copy downloaded again: sha256 equal to the file's and to its record\n` +
      `load average (1, 5, 15 min) before ${load(report.loadAverage.before)}, after ${load(report.loadAverage.after)} on ${cpus().length} cores\n` +
      (swiftNice
        ? `Swift ran at nice ${swiftNice}, modelling a server on another machine (its work yields to the backup's); ` +
          'run with --swift-nice 0 for the figure with Swift competing for the same cores\n'
        : 'Swift ran at normal priority, on the same cores as the API, pg_dump and PostgreSQL\n'),
  );
  const resultsDir = join(packageRoot(), 'bench/results');
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `offsite-${date.replace(/:/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ date, commit, cpus: cpus().length, node: process.version, sizeMb, ...report }, null, 2)}\n`);
  log(`written to ${file}`);
}

import { cpus } from 'node:os';
import { loadAverages, statsTable, writeBenchReport } from './benchReport.js';
import { measureOffsite } from './measureOffsite.js';

/** `npm run bench -- offsite`: measures, prints a table with the ratio and the machine's load, and writes it as JSON to bench/results/. */
export async function runOffsiteBench(
  url: string,
  options: { sizeMb: number; rounds: number; swiftNice: number; log: (line: string) => void; cpuProfileDir?: string },
): Promise<void> {
  const { sizeMb, rounds, swiftNice, log } = options;
  const report = await measureOffsite(url, options);
  process.stdout.write(
    `${statsTable('offsite bench', report.results)}\n\n` +
      `with / without (medians): ${report.ratio.toFixed(2)}× (target 1.15×), ${rounds} rounds each, alternated\n` +
      `dump ${report.bytes.toLocaleString('en-US')} bytes, parts of ${((report.partSize ?? 0) / 1024 / 1024).toFixed(0)} MiB; ` +
      `the last copy downloaded again: sha256 equal to the file's and to its record\n` +
      `load average (1, 5, 15 min) before ${loadAverages(report.loadAverage.before)}, after ${loadAverages(report.loadAverage.after)} on ${cpus().length} cores\n` +
      (swiftNice
        ? `Swift ran at nice ${swiftNice}, modelling a server on another machine (its work yields to the backup's); ` +
          'run with --swift-nice 0 for the figure with Swift competing for the same cores\n'
        : 'Swift ran at normal priority, on the same cores as the API, pg_dump and PostgreSQL\n'),
  );
  const file = await writeBenchReport('offsite', { sizeMb, ...report });
  log(`written to ${file}`);
}

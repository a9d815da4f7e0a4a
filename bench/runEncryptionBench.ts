import { cpus } from 'node:os';
import { loadAverages, statsTable, writeBenchReport } from './benchReport.js';
import { measureEncryption } from './measureEncryption.js';

/** `npm run bench -- encryption`: measures, prints a table with the ratios and the machine's load, and writes it as JSON to bench/results/. */
export async function runEncryptionBench(
  url: string,
  options: { sizeMb: number; rounds: number; gzip: boolean; log: (line: string) => void },
): Promise<void> {
  const { sizeMb, rounds, log } = options;
  const report = await measureEncryption(url, options);
  process.stdout.write(
    `${statsTable('encryption bench', report.results)}\n\n` +
      `${Object.entries(report.ratios)
        .map(([name, ratio]) => `${name} (medians): ${ratio.toFixed(2)}× (target 1.25×)`)
        .join('\n')}\n` +
      `sizes: ${Object.entries(report.bytes)
        .map(([name, bytes]) => `${name} ${bytes.toLocaleString('en-US')} bytes`)
        .join(', ')}; ${rounds} rounds each, alternated\n` +
      `${report.openedByAgeCli}\n` +
      `load average (1, 5, 15 min) before ${loadAverages(report.loadAverage.before)}, after ${loadAverages(report.loadAverage.after)} on ${cpus().length} cores\n`,
  );
  const file = await writeBenchReport('encryption', { sizeMb, ...report });
  log(`written to ${file}`);
}

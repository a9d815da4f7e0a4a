import { cpus } from 'node:os';
import { loadAverages, statsTable, writeBenchReport } from './benchReport.js';
import { measureInstant } from './measureInstant.js';

/** Issue #24's targets for leaving an unchanged database: a share of a full backup's time, and the API's own time. */
const TARGET_RATIO = 0.05;
const TARGET_API_MS = 200;

/**
 * `npm run bench -- instant`: measures, prints the table, the unchanged / full ratios and each target
 * met or missed, and writes it as JSON to bench/results/.
 */
export async function runInstantBench(
  url: string,
  options: { sizeMb: number; rounds: number; gzip: boolean; log: (line: string) => void },
): Promise<void> {
  const { sizeMb, rounds, log } = options;
  const report = await measureInstant(url, options);
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const targets = Object.keys(report.bytes).flatMap((name) => {
    const ratio = report.ratios[`${name}: unchanged / full, in the API`]!;
    const apiMs = report.results[`${name}: unchanged, in the API (ms)`]!.median;
    return [
      `${name}: unchanged / full in the API (medians) ${(ratio * 100).toFixed(1)} % (target ≤ ${TARGET_RATIO * 100} %): ${verdict(ratio <= TARGET_RATIO)}`,
      `${name}: unchanged in the API (median) ${apiMs.toFixed(0)} ms (target < ${TARGET_API_MS} ms): ${verdict(apiMs < TARGET_API_MS)}`,
    ];
  });
  process.stdout.write(
    `${statsTable('instant bench', report.results)}\n\n` +
      `${Object.entries(report.ratios)
        .map(([name, ratio]) => `${name} (medians): ${(ratio * 100).toFixed(1)} %`)
        .join('\n')}\n` +
      `${targets.join('\n')}\n` +
      `sizes: ${Object.entries(report.bytes)
        .map(([name, bytes]) => `${name} ${bytes.toLocaleString('en-US')} bytes`)
        .join(', ')}; ${rounds} rounds each, alternated\n` +
      `unchanged POSTs that dumped after all (tried again): ${report.dumpedInstead.length}${report.dumpedInstead.length === 0 ? '' : ` (dumpedInstead in the JSON; the first: ${report.dumpedInstead[0]})`}\n` +
      `load average (1, 5, 15 min) before ${loadAverages(report.loadAverage.before)}, after ${loadAverages(report.loadAverage.after)} on ${cpus().length} cores\n`,
  );
  const file = await writeBenchReport('instant', { sizeMb, ...report });
  log(`written to ${file}`);
}

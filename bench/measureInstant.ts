import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Api, startApi } from './startApi.js';
import { emptyFolder } from './emptyFolder.js';
import { inTurn } from './inTurn.js';
import { stopProcesses } from './stopProcesses.js';
import { type Stats, stats, timed } from './stats.js';

const run = promisify(execFile);

interface Answer {
  backup: { file: string; path: string; bytes: number; durationMs: number; unchangedSince?: string };
}

/** One POST /db-backup: its answer, the time to it, and the API's own times from its log. */
interface Post {
  answer: Answer;
  /** From sending the request to the answer's body read (ms). */
  wallMs: number;
  /** The API's request line: the whole request inside the API process (ms). */
  serverMs: number;
  /** The events the API logged for this request (the reason it dumped, the backup.created line). */
  events: Record<string, unknown>[];
}

export interface InstantBenchReport {
  rounds: number;
  loadAverage: { before: number[]; after: number[] };
  bytes: Record<string, number>;
  results: Record<string, Stats>;
  /** Unchanged / full, of the medians: the whole request and the API's own time, per contestant. */
  ratios: Record<string, number>;
  /** Unchanged POSTs that dumped after all, and why (another database's writes move the cluster-wide transaction counter). */
  dumpedInstead: string[];
}

/** How many times an unchanged POST that dumped (another session wrote on the server) is tried again in a round. */
const UNCHANGED_TRIES = 5;

/**
 * Per contestant (plain, and BACKUP_COMPRESS=gzip unless `gzip` is false), a real API process on the
 * database at `url`; each round, alternated in rotating order, on an empty folder after a `sync`:
 * POST /db-backup?full=1 (a real dump), then POST /db-backup with nothing changed, which must be
 * answered `unchangedSince` the first. Records both POSTs' whole time, the API's own time (its
 * request log line), how the unchanged one's time splits, and `openssl dgst -sha256` of its file.
 * An unchanged POST that dumped is logged and tried again (up to UNCHANGED_TRIES), each try against
 * the backup just made.
 */
export async function measureInstant(
  url: string,
  options: { rounds: number; gzip: boolean; log: (line: string) => void },
): Promise<InstantBenchReport> {
  const { rounds, log } = options;
  const loadBefore = loadavg();
  const work = await mkdtemp(join(tmpdir(), 'notes-bench-instant-'));
  const gateways: ChildProcess[] = [];
  try {
    const contestants = [['plain', {}], ...(options.gzip ? ([['gzip', { BACKUP_COMPRESS: 'gzip' }]] as const) : [])] as const;
    const apis = await Promise.all(
      contestants.map(async ([name, env]) => ({ name, api: await startApi(url, join(work, name), env, gateways, []) })),
    );
    const ms: Record<string, number[]> = {};
    const record = (name: string, value: number) => (ms[name] ??= []).push(value);
    const bytes: Record<string, number> = {};
    const dumpedInstead: string[] = [];
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds} (load average ${loadavg()[0]!.toFixed(2)})`);
      for (const { name, api } of inTurn(apis, round)) {
        await emptyFolder(api.dir);
        const full = await post(api, '/db-backup?full=1');
        if (full.answer.backup.unchangedSince) throw new Error(`${name}: ?full=1 was answered from ${full.answer.backup.unchangedSince}`);
        record(`${name}: full, POST (ms)`, full.wallMs);
        record(`${name}: full, in the API (ms)`, full.serverMs);
        bytes[name] = full.answer.backup.bytes;
        let previous = full.answer.backup.file;
        for (let attempt = 1; ; attempt++) {
          const unchanged = await post(api, '/db-backup');
          const { backup } = unchanged.answer;
          if (backup.unchangedSince === previous) {
            record(`${name}: unchanged, POST (ms)`, unchanged.wallMs);
            record(`${name}: unchanged, in the API (ms)`, unchanged.serverMs);
            // Where the API's time goes: the new file (its stamp checked, the link, manifest, rename) and
            // the rest (rotation, fingerprint, plan, HTTP); and what reading it back would cost when its
            // stamp differs: SHA-256 of the same bytes by openssl (SHA-NI where the CPU has it).
            record(`${name}: unchanged, backup.durationMs (stamp, link, publish)`, backup.durationMs);
            record(`${name}: unchanged, rest of the API (rotation, fingerprint, plan)`, unchanged.serverMs - backup.durationMs);
            record(
              `${name}: sha256 of the file (a re-read's floor, openssl dgst)`,
              await timed(() => run('openssl', ['dgst', '-sha256', backup.path])),
            );
            break;
          }
          const reason = unchanged.events.find((event) => event.event === 'backup.dumping')?.reason ?? 'no reason logged';
          dumpedInstead.push(`${name}, round ${round}: ${String(reason)}`);
          log(`${name}: the unchanged POST dumped (${String(reason)})`);
          if (attempt === UNCHANGED_TRIES) throw new Error(`${name}: ${UNCHANGED_TRIES} unchanged POSTs in a row dumped`);
          previous = backup.file;
        }
      }
    }
    const results = Object.fromEntries(Object.entries(ms).map(([name, samples]) => [name, stats(samples)]));
    const median = (name: string) => results[name]!.median;
    const ratios = Object.fromEntries(
      contestants.flatMap(([name]) => [
        [`${name}: unchanged / full, POST`, median(`${name}: unchanged, POST (ms)`) / median(`${name}: full, POST (ms)`)],
        [`${name}: unchanged / full, in the API`, median(`${name}: unchanged, in the API (ms)`) / median(`${name}: full, in the API (ms)`)],
      ]),
    );
    return { rounds, loadAverage: { before: loadBefore, after: loadavg() }, bytes, results, ratios, dumpedInstead };
  } finally {
    await stopProcesses(gateways);
    await rm(work, { recursive: true, force: true });
  }
}

/** POSTs `path` to `api`, expecting 201, and waits for the API's request line (logged once the answer is sent). */
async function post(api: Api, path: string): Promise<Post> {
  api.events.length = 0;
  let answer: Answer | undefined;
  const wallMs = await timed(async () => {
    const response = await fetch(`${api.url}${path}`, { method: 'POST' });
    if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    answer = (await response.json()) as Answer;
  });
  const requestLine = () => api.events.find((event) => event.event === 'request' && event.path === path);
  while (!requestLine()) await new Promise((resolve) => setTimeout(resolve, 1));
  return { answer: answer!, wallMs, serverMs: Number(requestLine()!.durationMs), events: [...api.events] };
}

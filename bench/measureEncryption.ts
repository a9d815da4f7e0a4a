import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpuNow, difference, postmasterPid } from './cpuSeconds.js';
import { startApi } from './startApi.js';
import { emptyFolder } from './emptyFolder.js';
import { inTurn } from './inTurn.js';
import { stopProcesses } from './stopProcesses.js';
import { type Stats, stats, timed } from './stats.js';

const run = promisify(execFile);

interface Answer {
  backup: { file: string; path: string; bytes: number; durationMs: number; contents: { rows: Record<string, number> } };
}

export interface EncryptionBenchReport {
  rounds: number;
  loadAverage: { before: number[]; after: number[] };
  bytes: Record<string, number>;
  results: Record<string, Stats>;
  /** Encrypted / plain POST medians: plain SQL, and gzip when measured. */
  ratios: Record<string, number>;
  /** The last encrypted backup, opened by the age CLI: its SQL ends with pg_dump's completion marker. */
  openedByAgeCli: string;
}

/**
 * POST /db-backup through real API processes on the database at `url`: plain and encrypted
 * (BACKUP_ENCRYPT_RECIPIENTS, a key pair made by age-keygen for the run), and the same two with
 * BACKUP_COMPRESS=gzip unless `gzip` is false; alternated, in rotating order, each POST on an empty
 * folder with the disk flushed first. The last encrypted backup is then opened with `age -d`.
 */
export async function measureEncryption(
  url: string,
  options: { rounds: number; gzip: boolean; log: (line: string) => void },
): Promise<EncryptionBenchReport> {
  const { rounds, log } = options;
  const loadBefore = loadavg();
  const work = await mkdtemp(join(tmpdir(), 'notes-bench-encryption-'));
  const gateways: ChildProcess[] = [];
  try {
    const identityFile = join(work, 'owner.key');
    await run('age-keygen', ['-o', identityFile]);
    const recipient = (await run('age-keygen', ['-y', identityFile])).stdout.trim();
    const postmaster = await postmasterPid(url);
    const contestants = [
      ['plain', {}],
      ['encrypted', { BACKUP_ENCRYPT_RECIPIENTS: recipient }],
      ...(options.gzip
        ? ([
            ['gzip', { BACKUP_COMPRESS: 'gzip' }],
            ['gzip, encrypted', { BACKUP_COMPRESS: 'gzip', BACKUP_ENCRYPT_RECIPIENTS: recipient }],
          ] as const)
        : []),
    ] as const;
    const apis = await Promise.all(
      contestants.map(async ([name, env]) => ({
        name,
        api: await startApi(url, join(work, name.replace(/\W+/g, '-')), env, gateways, []),
      })),
    );
    const ms: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    const bytes: Record<string, number> = {};
    let lastEncrypted: string | undefined;
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds} (load average ${loadavg()[0]!.toFixed(2)})`);
      for (const { name, api } of inTurn(apis, round)) {
        await emptyFolder(api.dir);
        const before = await cpuNow(api.pid, [], postmaster);
        let answer: Answer | undefined;
        const took = await timed(async () => {
          const response = await fetch(`${api.url}/db-backup`, { method: 'POST' });
          if (response.status !== 201) throw new Error(`${name}: POST /db-backup answered ${response.status}: ${await response.text()}`);
          answer = (await response.json()) as Answer;
        });
        const used = difference(await cpuNow(api.pid, [], postmaster), before);
        const { backup } = answer!;
        const encrypted = name.includes('encrypted');
        if (backup.file.endsWith('.age') !== encrypted) throw new Error(`${name}: wrote ${backup.file}`);
        if (name === 'encrypted') lastEncrypted = backup.path;
        (ms[name] ??= []).push(took);
        (cpu[name] ??= []).push(used.api);
        bytes[name] = backup.bytes;
      }
    }
    if (!lastEncrypted) throw new Error('no round ran');
    const tail = await run('sh', ['-c', `age -d -i '${identityFile}' '${lastEncrypted}' | tail -c 200`], { maxBuffer: 1 << 20 });
    if (!tail.stdout.includes('PostgreSQL database dump complete')) throw new Error('age -d did not give a complete dump back');
    const results = Object.fromEntries([
      ...Object.entries(ms).map(([name, samples]) => [`POST /db-backup, ${name} (ms)`, stats(samples)] as const),
      ...Object.entries(cpu).map(([name, samples]) => [`CPU s, API + pg_dump, ${name}`, stats(samples)] as const),
    ]);
    const median = (name: string) => results[`POST /db-backup, ${name} (ms)`]!.median;
    return {
      rounds,
      loadAverage: { before: loadBefore, after: loadavg() },
      bytes,
      results,
      ratios: {
        'encrypted / plain': median('encrypted') / median('plain'),
        ...(options.gzip ? { 'gzip, encrypted / gzip': median('gzip, encrypted') / median('gzip') } : {}),
      },
      openedByAgeCli: 'age -d gave the SQL back, ending with "PostgreSQL database dump complete"',
    };
  } finally {
    await stopProcesses(gateways);
    await rm(work, { recursive: true, force: true });
  }
}

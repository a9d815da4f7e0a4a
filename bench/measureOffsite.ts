import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { type ChildProcess, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { createS3Client } from '../functions/backup/offsite/createS3Client.js';
import { type CpuSplit, cpuNow, difference, postmasterPid } from './cpuSeconds.js';
import { startApi } from './startApi.js';
import { stopProcesses } from './stopProcesses.js';
import { type Stats, stats, timed } from './stats.js';
import { startSwiftServer } from './swiftServer.js';

const run = promisify(execFile);
const BUCKET = 'notes-bench';
const PREFIX = 'backups/';
interface Sample {
  ms: number;
  /** The answer's `backup.durationMs`: from the dump's start to the backup published (before the copy's wait). */
  dumpMs: number;
  cpu: CpuSplit;
  /** With the copy: how long the answer waited after the dump, and the byte from which the copy read the file (fell behind). */
  waitedMs?: number;
  readFromFileAfter?: number;
}

export interface OffsiteBenchReport {
  rounds: number;
  swiftNice: number;
  loadAverage: { before: number[]; after: number[] };
  bytes: number;
  partSize?: number;
  results: Record<string, Stats>;
  ratio: number;
  /** The last copy downloaded again: its sha256 equal to the file's and to the bucket's record. */
  integrity: { fileSha256: string; objectSha256: string; recordSha256: string };
}

/**
 * POST /db-backup through two real API processes on the database at `url`, one with BACKUP_S3_URL
 * (a real Swift server started here, stopped by its pids at the end) and one without, alternated and
 * in alternating order for `rounds` rounds; each POST on an empty folder and bucket, the disk flushed
 * before it. Measures each POST, its dump, the copy's wait after the dump and the CPU seconds of each
 * party, and checks at the end that the last copy downloads to the file's sha256.
 */
export async function measureOffsite(
  url: string,
  options: { rounds: number; swiftNice: number; log: (line: string) => void; cpuProfileDir?: string },
): Promise<OffsiteBenchReport> {
  const { rounds, swiftNice, log } = options;
  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const loadBefore = loadavg();
  const work = await mkdtemp(join(tmpdir(), 'notes-bench-offsite-'));
  log(`starting Swift${swiftNice ? ` at nice ${swiftNice}` : ''}`);
  const swift = await startSwiftServer({ nice: swiftNice });
  const client = createS3Client(swift.env);
  const bucket = new BackupBucket(client, { bucket: BUCKET, prefix: PREFIX });
  const gateways: ChildProcess[] = [];
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const postmaster = await postmasterPid(url);
    const plain = await startApi(url, join(work, 'plain'), {}, gateways, nodeArgs);
    const offsite = await startApi(
      url,
      join(work, 'offsite'),
      { ...swift.env, BACKUP_S3_URL: `s3://${BUCKET}/${PREFIX}` },
      gateways,
      nodeArgs,
    );
    const samples: Record<'plain' | 'offsite', Sample[]> = { plain: [], offsite: [] };
    let last: { path: string; file: string; sha256: string; bytes: number } | undefined;
    let partSize: number | undefined;
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds} (load average ${loadavg()[0]!.toFixed(2)})`);
      const order = round % 2 ? ([plain, offsite] as const) : ([offsite, plain] as const);
      for (const api of order) {
        await rm(api.dir, { recursive: true, force: true });
        await mkdir(api.dir, { recursive: true });
        const listing = await bucket.list();
        await bucket.deleteKeys([...listing.backups, ...listing.archived].map((backup) => backup.key));
        await bucket.deleteKeys([...listing.records].map((file) => bucket.recordKey(file)));
        await run('sync');
        api.events.length = 0;
        const before = await cpuNow(api.pid, swift.pids(), postmaster);
        let answer: {
          backup: {
            file: string;
            path: string;
            sha256: string;
            bytes: number;
            durationMs: number;
            offsite?: { status: string; reason?: string };
          };
        };
        const ms = await timed(async () => {
          const response = await fetch(`${api.url}/db-backup`, { method: 'POST' });
          if (response.status !== 201) throw new Error(`POST /db-backup answered ${response.status}: ${await response.text()}`);
          answer = (await response.json()) as typeof answer;
        });
        const after = await cpuNow(api.pid, swift.pids(), postmaster);
        const { backup } = answer!;
        const sample: Sample = { ms, dumpMs: backup.durationMs, cpu: difference(after, before) };
        if (api === offsite) {
          if (backup.offsite?.status !== 'uploaded')
            throw new Error(`the offsite copy failed: ${backup.offsite?.reason ?? 'no offsite outcome'}`);
          const event = api.events.find((line) => line.event === 'backup.offsite');
          sample.waitedMs = Number(event?.waitedMs);
          if (event?.readFromFileAfter !== undefined) sample.readFromFileAfter = Number(event.readFromFileAfter);
          partSize = Number(event?.partSize);
          last = backup;
        }
        samples[api === plain ? 'plain' : 'offsite'].push(sample);
      }
    }
    if (!last) throw new Error('no round ran');
    const integrity = await checkIntegrity(bucket, last);
    const table = (name: string, pick: (sample: Sample) => number | undefined, of: Sample[]) =>
      [name, stats(of.map(pick).filter((value): value is number => value !== undefined && !Number.isNaN(value)))] as const;
    const results = Object.fromEntries(
      [
        table('POST /db-backup', (s) => s.ms, samples.plain),
        table('POST /db-backup with the offsite copy', (s) => s.ms, samples.offsite),
        table('… its dump, without the copy (ms)', (s) => s.dumpMs, samples.plain),
        table('… its dump, with the copy (ms)', (s) => s.dumpMs, samples.offsite),
        table('… the wait for the copy after the dump (ms)', (s) => s.waitedMs, samples.offsite),
        table('… copies that fell behind and read the file (1 = yes)', (s) => (s.readFromFileAfter === undefined ? 0 : 1), samples.offsite),
        table('CPU s, API + pg_dump, without', (s) => s.cpu.api, samples.plain),
        table('CPU s, API + pg_dump, with', (s) => s.cpu.api, samples.offsite),
        table('CPU s, Swift, with', (s) => s.cpu.swift, samples.offsite),
        table('CPU s, PostgreSQL backends, without', (s) => s.cpu.postgres, samples.plain),
        table('CPU s, PostgreSQL backends, with', (s) => s.cpu.postgres, samples.offsite),
        table('CPU s, whole machine, without', (s) => s.cpu.machine, samples.plain),
        table('CPU s, whole machine, with', (s) => s.cpu.machine, samples.offsite),
      ].filter(([, summary]) => summary.samples.length > 0),
    );
    return {
      rounds,
      swiftNice,
      loadAverage: { before: loadBefore, after: loadavg() },
      bytes: last.bytes,
      ...(partSize ? { partSize } : {}),
      results,
      ratio: results['POST /db-backup with the offsite copy']!.median / results['POST /db-backup']!.median,
      integrity,
    };
  } finally {
    await stopProcesses(gateways);
    client.destroy();
    await swift.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Downloads the copy of `backup` and hashes it: it must be the file's bytes, as its record says. */
async function checkIntegrity(
  bucket: BackupBucket,
  backup: { path: string; file: string; sha256: string },
): Promise<OffsiteBenchReport['integrity']> {
  const sha256Of = async (stream: AsyncIterable<Buffer>) => {
    const hash = createHash('sha256');
    for await (const chunk of stream) hash.update(chunk);
    return hash.digest('hex');
  };
  const fileSha256 = await sha256Of(createReadStream(backup.path));
  const objectSha256 = await sha256Of((await bucket.download(bucket.keyOf(backup.file))).body);
  const recordSha256 = (await bucket.readRecord(backup.file))?.sha256 ?? 'none';
  if (fileSha256 !== backup.sha256 || objectSha256 !== fileSha256 || recordSha256 !== fileSha256)
    throw new Error(
      `the copy is not the file: file ${fileSha256}, answer ${backup.sha256}, object ${objectSha256}, record ${recordSha256}`,
    );
  return { fileSha256, objectSha256, recordSha256 };
}

import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { createS3Client } from '../functions/backup/offsite/createS3Client.js';
import { packageRoot } from '../functions/config/packageRoot.js';
import { type Stats, stats, timed } from './stats.js';
import { startSwiftServer } from './swiftServer.js';

const run = promisify(execFile);
const BUCKET = 'notes-bench';
const PREFIX = 'backups/';
/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** CPU seconds used during one POST, by whom. */
interface CpuSplit {
  /** The API process and its children (pg_dump, reaped by the end of the POST). */
  api: number;
  /** Every process of the Swift server. */
  swift: number;
  /** PostgreSQL's backends that ended during the POST (pg_dump's, reaped by the postmaster; other users' too). */
  postgres: number;
  /** All cores of the machine, whoever used them (other work on a shared machine included). */
  machine: number;
}

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
    // Each by its pid; waited for, so that a CPU profile is written before this returns.
    await Promise.all(
      gateways.map(async (gateway) => {
        if (gateway.exitCode !== null) return;
        const ended = new Promise((resolve) => gateway.once('exit', resolve));
        gateway.kill('SIGTERM');
        await ended;
      }),
    );
    client.destroy();
    await swift.stop();
    await rm(work, { recursive: true, force: true });
  }
}

interface Api {
  url: string;
  dir: string;
  pid: number;
  /** The API's log events (JSON lines on its stderr) since they were last cleared. */
  events: Record<string, unknown>[];
}

/** The local gateway as a process of its own (as in production), serving the database at `url` with backups in `dir`. */
async function startApi(url: string, dir: string, env: Record<string, string>, started: ChildProcess[], nodeArgs: string[]): Promise<Api> {
  const gateway = spawn(process.execPath, [...nodeArgs, join(packageRoot(), 'dist/gateway/main.js'), '--port', '0'], {
    env: { ...process.env, ...env, DATABASE_URL: url, BACKUP_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(gateway);
  const events: Record<string, unknown>[] = [];
  let partial = '';
  gateway.stderr.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        process.stderr.write(`${line}\n`);
      }
    }
  });
  const apiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    gateway.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening`)));
    gateway.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
  });
  return { url: apiUrl, dir, pid: gateway.pid!, events };
}

/** The PostgreSQL server's postmaster, when it runs on this machine (its children's CPU is counted as theirs end). */
async function postmasterPid(url: string): Promise<number | undefined> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const backend = Number((await db.query('select pg_backend_pid() as pid')).rows[0].pid);
    const status = await readFile(`/proc/${backend}/status`, 'utf8').catch(() => '');
    const parent = /PPid:\s+(\d+)/.exec(status)?.[1];
    return parent ? Number(parent) : undefined;
  } finally {
    await db.end();
  }
}

/** CPU seconds so far: a process with its reaped children, a set of processes, and the whole machine (busy time). */
async function cpuNow(api: number, swift: number[], postmaster?: number): Promise<CpuSplit> {
  const processSeconds = async (pid: number, children: boolean) => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat) return 0;
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // After the command: state is field 0, utime 11, stime 12, cutime 13, cstime 14.
    return (fields[11]! + fields[12]! + (children ? fields[13]! + fields[14]! : 0)) / TICKS;
  };
  const machine = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = machine.slice(0, 8).reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
  const swiftSeconds = await Promise.all(swift.map((pid) => processSeconds(pid, false)));
  return {
    api: await processSeconds(api, true),
    swift: swiftSeconds.reduce((sum, value) => sum + value, 0),
    postgres: postmaster === undefined ? 0 : (await processSeconds(postmaster, true)) - (await processSeconds(postmaster, false)),
    machine: busy / TICKS,
  };
}

function difference(after: CpuSplit, before: CpuSplit): CpuSplit {
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    api: round(after.api - before.api),
    swift: round(after.swift - before.swift),
    postgres: round(after.postgres - before.postgres),
    machine: round(after.machine - before.machine),
  };
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

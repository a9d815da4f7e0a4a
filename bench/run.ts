#!/usr/bin/env node
import { BackupFolder } from '../functions/backup/folder/BackupFolder.js';
import meow from 'meow';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { BackupCreator } from '../functions/backup/dump/BackupCreator.js';
import { BackupRotator } from '../functions/backup/retention/BackupRotator.js';
import { PgDumpSource } from '../functions/backup/dump/PgDumpSource.js';
import { restoreBackup } from '../functions/backup/restore/restoreBackup.js';
import { ServerScratch } from '../functions/backup/verify/ServerScratch.js';
import { verifyBackup } from '../functions/backup/verify/verifyBackup.js';
import { planRotation } from '../functions/backup/retention/planRotation.js';
import { DEFAULT_RETENTION_POLICY } from '../functions/backup/retention/RetentionPolicy.js';
import { packageRoot } from '../functions/config/packageRoot.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { silentLogger } from '../functions/log/Logger.js';
import { emptyFolder } from './emptyFolder.js';
import { measureCli } from './measureCli.js';
import { runEncryptionBench } from './runEncryptionBench.js';
import { runInstantBench } from './runInstantBench.js';
import { runOffsiteBench } from './runOffsiteBench.js';
import { measureSearch } from './measureSearch.js';
import { measureStart } from './measureStart.js';
import { prepareDatabase } from './prepareDatabase.js';
import { stats, timed, type Stats } from './stats.js';

const cli = meow(
  `
  Usage
    $ npm run bench [-- --size-mb 300 --rounds 5 --backups 1000]
    $ npm run bench -- search [--search-notes 100000 --search-rounds 20]
    $ npm run bench -- offsite [--size-mb 300 --rounds 5 --swift-nice 0]
    $ npm run bench -- encryption [--size-mb 300 --rounds 5 --no-gzip]
    $ npm run bench -- instant [--size-mb 300 --rounds 5 --no-gzip]

  Measures the backup path against raw pg_dump on a PostgreSQL server (not part of npm test), and
  full-text search (GET /notes?q=) over many notes; \`search\` measures only the searches.
  \`offsite\` measures POST /db-backup with and without BACKUP_S3_URL against a real OpenStack Swift
  started on this machine (Debian's swift-proxy, swift-account, swift-container, swift-object, memcached).
  \`encryption\` measures POST /db-backup plain and encrypted (BACKUP_ENCRYPT_RECIPIENTS, a key made by
  age-keygen for the run), with and without gzip, and opens the last encrypted backup with age -d.
  \`instant\` measures POST /db-backup?full=1 (a dump) and then POST /db-backup with nothing changed
  (made from the previous backup), plain and gzip, against issue #24's targets (≤ 5 %, < 200 ms in the API).
  Prints a table of medians and ratios and writes the same as JSON to bench/results/.

  Options
    --size-mb <n>     Size of the benchmark database (default 300; reused between runs)
    --database <name> Name of the benchmark database (default notes_bench_<size-mb>)
    --rounds <n>      Rounds per contestant, alternated (default 5)
    --backups <n>     Existing backups in the folder for the end-to-end run (default 1000)
    --admin-url <url> Server to create the database on (default $BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
    --no-gzip         Skip the compressed contestants
    --search-notes <n>   Notes in the search database (default 100000; reused between runs)
    --search-rounds <n>  Runs of each search (default 20)
    --swift-nice <n>     offsite: run Swift's processes at this nice level, to model a server on
                         another machine whose work does not compete for these cores (default 0)
    --cpu-prof <dir>     offsite: the API processes write V8 CPU profiles (.cpuprofile) into <dir>
`,
  {
    importMeta: import.meta,
    allowUnknownFlags: false,
    flags: {
      sizeMb: { type: 'number', default: 300 },
      database: { type: 'string' },
      rounds: { type: 'number', default: 5 },
      backups: { type: 'number', default: 1000 },
      adminUrl: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
      gzip: { type: 'boolean', default: true },
      searchNotes: { type: 'number', default: 100_000 },
      searchRounds: { type: 'number', default: 20 },
      swiftNice: { type: 'number', default: 0 },
      cpuProf: { type: 'string' },
    },
  },
);

const log = (line: string) => process.stderr.write(`${line}\n`);
const run = promisify(execFile);
const { sizeMb, rounds, backups, adminUrl, searchNotes, searchRounds, swiftNice } = cli.flags;
if (cli.input.length > 1 || (cli.input.length === 1 && !['search', 'offsite', 'encryption', 'instant'].includes(cli.input[0]!))) {
  process.stderr.write(
    `bench: unknown row "${cli.input.join(' ')}"; the ones that run alone are search, offsite, encryption and instant\n`,
  );
  process.exit(2);
}
const prepareBenchDatabase = () => prepareDatabase(adminUrl, sizeMb, log, cli.flags.database);
if (cli.input[0] === 'offsite') {
  await runOffsiteBench(await prepareBenchDatabase(), {
    sizeMb,
    rounds,
    swiftNice,
    log,
    ...(cli.flags.cpuProf ? { cpuProfileDir: cli.flags.cpuProf } : {}),
  });
  process.exit(0);
}
if (cli.input[0] === 'encryption') {
  await runEncryptionBench(await prepareBenchDatabase(), { sizeMb, rounds, gzip: cli.flags.gzip, log });
  process.exit(0);
}
if (cli.input[0] === 'instant') {
  await runInstantBench(await prepareBenchDatabase(), { sizeMb, rounds, gzip: cli.flags.gzip, log });
  process.exit(0);
}
if (cli.input[0] === 'search') {
  const { times, matches } = await measureSearch(adminUrl, searchNotes, searchRounds, log);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const results = Object.fromEntries(Object.entries(times).map(([name, samples]) => [name, { ...stats(samples), matches: matches[name] }]));
  process.stdout.write(
    `${[
      row(['search', 'matches', 'min ms', 'median ms', 'max ms']),
      row(['---', '---:', '---:', '---:', '---:']),
      ...Object.entries(results).map(([name, r]) => row([name, r.matches!, r.min.toFixed(1), r.median.toFixed(1), r.max.toFixed(1)])),
    ].join('\n')}\n`,
  );
  const date = new Date().toISOString();
  const resultsDir = join(packageRoot(), 'bench/results');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(
    join(resultsDir, `search-${date.replace(/:/g, '-')}.json`),
    `${JSON.stringify({ date, searchNotes, searchRounds, results }, null, 2)}\n`,
  );
  process.exit(0);
}
const url = await prepareBenchDatabase();
const work = await mkdtemp(join(tmpdir(), 'notes-bench-'));
const connection = databaseConnection({ DATABASE_URL: url });
const source = new PgDumpSource({ connection });
const times: Record<string, number[]> = {};
const sizes: Record<string, number> = {};
const record = (name: string, ms: number) => (times[name] ??= []).push(ms);

// The local gateway as a separate process, so its peak memory is its own.
const apiDir = join(work, 'api');
const gateway = spawn(process.execPath, [join(packageRoot(), 'dist/gateway/main.js'), '--port', '0'], {
  env: { ...process.env, DATABASE_URL: url, BACKUP_DIR: apiDir },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let gatewayLog = '';
gateway.stderr.on('data', (chunk) => (gatewayLog += chunk));
const apiUrl = await new Promise<string>((resolve) => {
  let out = '';
  gateway.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (\S+)/.exec(out);
    if (match) resolve(match[1]!);
  });
});

async function fileBackups(dir: string, count: number): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const newest = Date.now();
  const span = 16 * 30 * 86_400_000;
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      writeFile(join(dir, formatBackupFileName(url.split('/').pop()!, new Date(newest - (span * i) / count))), ''),
    ),
  );
}

const out = join(work, 'out');
let written = '';
for (let round = 1; round <= rounds; round++) {
  log(`round ${round}/${rounds}`);
  await emptyFolder(out);
  record('raw pg_dump -f', await timed(() => run('pg_dump', ['--no-password', '-f', join(out, 'raw.sql'), `--dbname=${url}`])));
  sizes['plain dump'] = (await stat(join(out, 'raw.sql'))).size;
  await emptyFolder(out);
  // The same made durable: what the backup pays for with its fsync.
  record(
    'raw pg_dump -f + fsync',
    await timed(() =>
      run('sh', ['-c', `pg_dump --no-password -f '${join(out, 'synced.sql')}' --dbname='${url}' && sync '${join(out, 'synced.sql')}'`]),
    ),
  );
  // Before and after write-behind flushing, with the final fsync's own time (from the creator's log).
  for (const [name, flushEveryBytes] of [
    ['BackupCreator.create() without write-behind', 0],
    ['BackupCreator.create()', undefined],
  ] as const) {
    await emptyFolder(out);
    let finalSyncMs = 0;
    const logger = {
      ...silentLogger,
      info: (event: string, fields?: Record<string, unknown>) => {
        if (event === 'backup.created') finalSyncMs = Number(fields?.finalSyncMs ?? 0);
      },
    };
    record(
      name,
      await timed(async () => {
        written = (await new BackupCreator({ folder: new BackupFolder(out), source, logger, flushEveryBytes }).create()).path;
      }),
    );
    record(`${name}: its final fsync`, finalSyncMs);
  }
  // Restoring the backup just written, and proving it (restore into a scratch database, dump again, compare).
  const restored = new URL(url);
  restored.pathname = `/notes_bench_restored_${round}`;
  record(
    'db-backup restore (one transaction, rows checked)',
    await timed(() => restoreBackup({ file: written, into: restored.toString() })),
  );
  await run('psql', ['-Xq', `--dbname=${adminUrl}`, '-c', `drop database if exists notes_bench_restored_${round}`]);
  const manifest = new BackupFolder(out).manifest;
  record(
    'db-backup verify (restore, dump again, compare)',
    await timed(async () => {
      const result = await verifyBackup(written, manifest, new ServerScratch(connection));
      if (!result.ok) throw new Error(`verify failed: ${result.problems.join('; ')}`);
    }),
  );
  await fileBackups(apiDir, backups);
  await run('sync');
  record(
    `POST /db-backup (rotating ${backups})`,
    await timed(async () => {
      const response = await fetch(`${apiUrl}/db-backup`, { method: 'POST' });
      if (response.status !== 201) throw new Error(`POST /db-backup answered ${response.status}: ${await response.text()}`);
    }),
  );
  if (!cli.flags.gzip) continue;
  await emptyFolder(out);
  let ours = '';
  record(
    'gzip: BackupCreator (pg_dump -Z 6, verified)',
    await timed(async () => (ours = (await new BackupCreator({ folder: new BackupFolder(out), source, gzipLevel: 6 }).create()).path)),
  );
  sizes['gzip: BackupCreator'] = (await stat(ours)).size;
  await emptyFolder(out);
  record(
    'gzip: pg_dump -Z 6 -f',
    await timed(() => run('pg_dump', ['--no-password', '-Z', '6', '-f', join(out, 'z.sql.gz'), `--dbname=${url}`])),
  );
  sizes['gzip: pg_dump -Z 6'] = (await stat(join(out, 'z.sql.gz'))).size;
  await emptyFolder(out);
  record(
    'gzip: pg_dump | gzip -6',
    await timed(() => run('sh', ['-c', `pg_dump --no-password --dbname='${url}' | gzip -6 > '${join(out, 'p.sql.gz')}'`])),
  );
  sizes['gzip: pg_dump | gzip -6'] = (await stat(join(out, 'p.sql.gz'))).size;
}
// 100 concurrent POSTs on a folder without backups: how many dumps, how each was answered, and
// whether each request got a backup that started after it was sent (coalescing).
await emptyFolder(apiDir);
record(
  'POST /db-backup, one request alone',
  await timed(async () => {
    const response = await fetch(`${apiUrl}/db-backup`, { method: 'POST' });
    if (response.status !== 201) throw new Error(`POST /db-backup answered ${response.status}`);
  }),
);
await emptyFolder(apiDir);
const concurrent = { statuses: {} as Record<number, number>, dumps: 0, startedAfterSent: 0, coalesced: 0 };
record(
  'POST /db-backup ×100 at once: to the last answer',
  await timed(async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const sent = Date.now();
        const response = await fetch(`${apiUrl}/db-backup?wait=300`, { method: 'POST' });
        return { sent, status: response.status, body: (await response.json()) as { backup?: { startedAt: string }; coalesced?: boolean } };
      }),
    );
    for (const answer of answers) {
      concurrent.statuses[answer.status] = (concurrent.statuses[answer.status] ?? 0) + 1;
      if (answer.body.backup && Date.parse(answer.body.backup.startedAt) >= answer.sent) concurrent.startedAfterSent++;
      if (answer.body.coalesced) concurrent.coalesced++;
    }
  }),
);
concurrent.dumps = (await readdir(apiDir)).filter((name) => name.endsWith('.sql')).length;

const peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${gateway.pid}/status`, 'utf8'))![1]) / 1024;

// Rotation: planning alone over many names, and planning + applying over real files.
const now = new Date();
const names = (count: number) =>
  Array.from({ length: count }, (_, i) => formatBackupFileName('notes', new Date(now.getTime() - (16 * 30 * 86_400_000 * i) / count)));
for (const count of [1_000, 10_000, 100_000]) {
  const input = { backups: names(count), archived: [] };
  for (let round = 0; round < rounds; round++)
    record(
      `planRotation, ${count.toLocaleString('en-US')} names`,
      await timed(async () => planRotation(input, now, DEFAULT_RETENTION_POLICY)),
    );
}
const rotationDir = join(work, 'rotation');
for (let round = 0; round < rounds; round++) {
  await fileBackups(rotationDir, 10_000);
  record(
    'plan + apply, 10,000 files',
    await timed(() => new BackupRotator({ folder: new BackupFolder(rotationDir), policy: DEFAULT_RETENTION_POLICY }).rotate()),
  );
}

// The CLI: start-up to the prompt, and leaving minus the backup's own time; npm start, first and later run.
const cliTimes = await measureCli(apiUrl, rounds, () => gatewayLog);
for (const [name, samples] of Object.entries(cliTimes)) times[name] = samples;
for (const [name, samples] of Object.entries(await measureStart(work, rounds))) times[name] = samples;
// Search over many notes, on its own database (npm run bench -- search runs only this).
for (const [name, samples] of Object.entries((await measureSearch(adminUrl, searchNotes, searchRounds, log)).times)) times[name] = samples;

gateway.kill('SIGTERM');
await rm(work, { recursive: true, force: true });

const raw = stats(times['raw pg_dump -f']!).median;
const results: Record<string, Stats & { ratioToRaw?: number }> = {};
for (const [name, samples] of Object.entries(times)) {
  const summary = stats(samples);
  const dumping =
    !name.startsWith('planRotation') &&
    !name.startsWith('plan + apply') &&
    !name.startsWith('notes') &&
    !name.startsWith('npm start') &&
    !name.startsWith('search') &&
    !name.endsWith('final fsync');
  results[name] = dumping ? { ...summary, ratioToRaw: summary.median / raw } : summary;
}
const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: (await import('node:os')).cpus().length,
    node: process.version,
    pgDump: (await run('pg_dump', ['--version'])).stdout.trim(),
  },
  sizeMb,
  rounds,
  bytes: sizes,
  peakRssMbOfServingProcess: Number(peakRssMb.toFixed(1)),
  concurrentPosts: concurrent,
  results,
};

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const lines = [
  row(['contestant', 'min ms', 'median ms', 'max ms', '× raw pg_dump']),
  row(['---', '---:', '---:', '---:', '---:']),
  ...Object.entries(results).map(([name, r]) =>
    row([name, r.min.toFixed(1), r.median.toFixed(1), r.max.toFixed(1), r.ratioToRaw === undefined ? '' : r.ratioToRaw.toFixed(3)]),
  ),
];
process.stdout.write(
  `${lines.join('\n')}\n\nbytes: ${JSON.stringify(sizes)}\npeak RSS of the serving process: ${report.peakRssMbOfServingProcess} MB\n` +
    `100 concurrent POSTs: ${JSON.stringify(concurrent)}\n`,
);
const resultsDir = join(packageRoot(), 'bench/results');
await mkdir(resultsDir, { recursive: true });
await writeFile(join(resultsDir, `${report.date.replace(/:/g, '-')}.json`), `${JSON.stringify(report, null, 2)}\n`);
process.exit(0);

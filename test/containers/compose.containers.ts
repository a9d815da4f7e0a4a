import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/apiProcess.js';
import { startNotes } from '../support/cliProcess.js';
import { freshClone } from './freshClone.js';

const run = promisify(execFile);
const PROJECT = 'notes-containers-test';
/** Its own backup folder (NOTES_BACKUP_DIR), never the checkout's api/backups. */
const BACKUPS = join(tmpdir(), `notes-containers-${process.pid}`);
const API = 'http://127.0.0.1:3000';

/** `docker compose` (v2) when there is one, else `docker-compose` (v1). */
function composeCommand(): string[] {
  return spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0 ? ['docker', 'compose'] : ['docker-compose'];
}
const [bin, ...prefix] = composeCommand();
const compose = (...args: string[]) =>
  run(bin!, [...prefix, '-p', PROJECT, '-f', join(ROOT, 'docker/compose.yaml'), ...args], {
    env: {
      ...process.env,
      NOTES_UID: String(process.getuid?.() ?? 1000),
      NOTES_GID: String(process.getgid?.() ?? 1000),
      NOTES_BACKUP_DIR: BACKUPS,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
const backups = async () => (await readdir(BACKUPS)).filter((name) => /\.sql(\.gz)?$/.test(name)).sort();

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 180; i++) {
    // A timeout on each try: docker's port proxy accepts connections before the gateway listens.
    const ok = await fetch(`${API}/health`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`the gateway never answered /health:\n${(await compose('logs', '--tail', '50')).stdout}`);
}

describe('docker compose up, for real (images built from docker/Dockerfile)', () => {
  beforeAll(async () => {
    await rm(BACKUPS, { recursive: true, force: true });
    await mkdir(BACKUPS, { recursive: true });
    await compose('down', '-v', '--remove-orphans').catch(() => undefined);
    await compose('build');
    await compose('up', '-d');
    await waitForHealth();
  });
  afterAll(async () => {
    await compose('down', '-v', '--remove-orphans').catch(() => undefined);
    await rm(BACKUPS, { recursive: true, force: true });
  });

  it('POST /db-backup writes a complete backup into the bind-mounted folder, owned by NOTES_UID', async () => {
    const response = await fetch(`${API}/db-backup`, { method: 'POST' });
    const body = (await response.json()) as { backup: { file: string } };

    expect(response.status).toBe(201);
    expect(await backups()).toContain(body.backup.file);
    const file = await stat(join(BACKUPS, body.backup.file));
    expect(file.uid).toBe(process.getuid?.());
    expect(execFileSync('tail', ['-c', '4096', join(BACKUPS, body.backup.file)], { encoding: 'utf8' })).toContain(
      '-- PostgreSQL database dump complete',
    );
  });

  it('concurrent POSTs and concurrent notes requests never get a 502', async () => {
    const statuses = await Promise.all([
      ...Array.from({ length: 6 }, () => fetch(`${API}/db-backup`, { method: 'POST' }).then((r) => r.status)),
      ...Array.from({ length: 6 }, () => fetch(`${API}/folders`).then((r) => r.status)),
    ]);

    expect(statuses).toEqual([...Array(6).fill(201), ...Array(6).fill(200)]);
  });

  it('the notes app on the host leaves with a backup', async () => {
    const before = await backups();
    const app = startNotes(['--api-url', API], { NO_COLOR: '1' });
    app.write('add "from the host"\nexit\n');

    const { code, stdout } = await app.exited;

    expect(code).toBe(0);
    expect(stdout).toMatch(/Backed up \S+/);
    expect((await backups()).length).toBeGreaterThan(before.length);
  });

  it('a restart of the API container keeps every backup, and it backs up again', async () => {
    const before = await backups();
    await compose('restart', 'api');
    await waitForHealth();

    const response = await fetch(`${API}/db-backup`, { method: 'POST' });

    expect(response.status).toBe(201);
    const after = await backups();
    expect(after.filter((name) => before.includes(name))).toEqual(before);
  });

  it.each([
    ['api', '512', '900'],
    ['api-notes', '512', '30'],
  ])(
    'the %s container runs its emulator with the memory (%s MB) and timeout (%s s) template.yaml gives it',
    async (service, memory, timeout) => {
      const { stdout } = await compose('exec', '-T', service, 'sh', '-c', 'tr "\\0" "\\n" < /proc/1/environ');

      expect(stdout).toContain(`AWS_LAMBDA_FUNCTION_MEMORY_SIZE=${memory}\n`);
      expect(stdout).toContain(`AWS_LAMBDA_FUNCTION_TIMEOUT=${timeout}\n`);
    },
  );

  it('down leaves no anonymous volume behind', async () => {
    const volumesOf = async () =>
      (await run('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`])).stdout
        .split('\n')
        .filter(Boolean);
    await compose('down', '--remove-orphans');

    expect((await volumesOf()).filter((name) => !name.endsWith('db-data'))).toEqual([]);
    await compose('up', '-d');
    await waitForHealth();
  });
});

describe('the build context (.dockerignore), as compose sends it', () => {
  const checkout = join(tmpdir(), `notes-context-${process.pid}`);
  const probe = join(tmpdir(), `notes-context-probe-${process.pid}`);
  const IMAGE = 'notes-context-probe:test';
  /** What a lived-in checkout holds besides the clone: big (the embedded database, dependencies, backups) or secret. */
  const PLANTED = [
    '.data/pglite/base/5/1259',
    'node_modules/pg/package.json',
    'docker/lambda-runtime/node_modules/aws-lambda-ric/package.json',
    'dist/cli/notes.js',
    'api/backups/notes-2026-11-26T10-00-00.000Z.sql',
    'coverage/lcov.info',
    'bench/results/latest.json',
    'npm-debug.log',
    'functions/debug.log',
    'tsconfig.tsbuildinfo',
    '.env',
    'docker/.env',
    '.env.local',
    '.npmrc',
    'server.pem',
    '.git/config',
  ];
  afterAll(async () => {
    await run('docker', ['rm', '-f', 'notes-context-probe']).catch(() => undefined);
    await run('docker', ['rmi', IMAGE]).catch(() => undefined);
    await rm(checkout, { recursive: true, force: true });
    await rm(probe, { recursive: true, force: true });
  });

  it("holds the clone's files and none of the big or secret ones beside them (.data/ with 8 MB among them)", async () => {
    const cloned = await freshClone(checkout);
    for (const path of PLANTED) {
      await mkdir(dirname(join(checkout, path)), { recursive: true });
      await writeFile(join(checkout, path), path.startsWith('.data/') ? Buffer.alloc(8 * 1024 * 1024) : 'planted\n');
    }
    // An image of the context alone, built by the same compose as the README's command.
    await mkdir(probe, { recursive: true });
    await writeFile(join(probe, 'Dockerfile'), 'FROM scratch\nCOPY . /context/\nCMD ["/none"]\n');
    await writeFile(
      join(probe, 'compose.yaml'),
      `services:\n  context:\n    image: ${IMAGE}\n    build:\n      context: ${checkout}\n      dockerfile: ${join(probe, 'Dockerfile')}\n`,
    );

    await run(bin!, [...prefix, '-p', 'notes-context-test', '-f', join(probe, 'compose.yaml'), 'build'], { maxBuffer: 64 * 1024 * 1024 });
    await run('docker', ['create', '--name', 'notes-context-probe', IMAGE]);
    await run('docker', ['export', '-o', join(probe, 'context.tar'), 'notes-context-probe']);
    const { stdout } = await run('tar', ['-tf', join(probe, 'context.tar')], { maxBuffer: 16 * 1024 * 1024 });

    const sent = stdout
      .split('\n')
      .filter((name) => name.startsWith('context/') && !name.endsWith('/'))
      .map((name) => name.slice('context/'.length))
      // docker-py adds a Dockerfile from outside the context under a generated name.
      .filter((name) => !/^\.dockerfile\.[0-9a-f]+$/.test(name))
      .sort();
    expect(sent).toEqual(cloned);
  });
});

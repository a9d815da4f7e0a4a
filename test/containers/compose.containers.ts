import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chown, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { startNotes } from '../support/cliProcess.js';
import { freshClone } from './freshClone.js';

const run = promisify(execFile);
const PROJECT = 'notes-containers-test';
/** A fresh clone of this checkout, as a new user has it: no api/ folder, no .data/, no node_modules/. */
const CLONE = join(tmpdir(), `notes-fresh-clone-${process.pid}`);
/** The compose file's default backup folder (../api/backups), in the clone. */
const BACKUPS = join(CLONE, 'api/backups');
const API = 'http://127.0.0.1:3000';
/** The functions' user when NOTES_UID and NOTES_GID are not set. */
const DEFAULT_UID = 1000;

/** `docker compose` (v2) when there is one, else `docker-compose` (v1). */
function composeCommand(): string[] {
  return spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0 ? ['docker', 'compose'] : ['docker-compose'];
}
const [bin, ...prefix] = composeCommand();
/** The README's command, run in the clone: none of the settings a new user has not heard of. */
const userEnv = () => {
  const { NOTES_UID, NOTES_GID, NOTES_BACKUP_DIR, ...env } = process.env;
  return env;
};
const compose = (args: string[], options: { file?: string; project?: string; env?: NodeJS.ProcessEnv } = {}) =>
  run(bin!, [...prefix, '-p', options.project ?? PROJECT, '-f', options.file ?? join(CLONE, 'docker/compose.yaml'), ...args], {
    env: { ...userEnv(), ...options.env },
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
  throw new Error(`the gateway never answered /health:\n${(await compose(['logs', '--tail', '50'])).stdout}`);
}

describe('docker compose up from a fresh clone, for real (images built from docker/Dockerfile)', () => {
  let cloneHadApiFolder: boolean;
  beforeAll(async () => {
    // The backups belong to uid 1000 (mode 700): this suite reads them as root (CI) or as that uid.
    const uid = process.getuid?.();
    if (uid !== 0 && uid !== DEFAULT_UID) throw new Error(`run the container suite as root or as uid ${DEFAULT_UID}, not ${uid}`);
    await freshClone(CLONE);
    cloneHadApiFolder = await stat(join(CLONE, 'api')).then(
      () => true,
      () => false,
    );
    await compose(['down', '-v', '--remove-orphans']).catch(() => undefined);
    await compose(['build']);
    await compose(['up', '-d']);
    await waitForHealth();
  });
  afterAll(async () => {
    await compose(['down', '-v', '--remove-orphans']).catch(() => undefined);
    await rm(CLONE, { recursive: true, force: true });
  });

  it('with no api/ folder and NOTES_UID/NOTES_GID unset, the backup-folder step makes api/backups for uid 1000: healthy, and POST /db-backup writes a complete backup owned by 1000', async () => {
    const health = await fetch(`${API}/health`);
    const response = await fetch(`${API}/db-backup`, { method: 'POST' });
    const body = (await response.json()) as { backup: { file: string } };

    expect(cloneHadApiFolder).toBe(false);
    expect((await compose(['logs', '--no-color', 'backup-folder'])).stdout).toContain(
      "/api/backups was empty and root's (owner 0:0, mode 755): handed to 1000:1000, mode 700",
    );
    const folder = await stat(BACKUPS);
    expect({ uid: folder.uid, gid: folder.gid, mode: (folder.mode & 0o777).toString(8) }).toEqual({
      uid: DEFAULT_UID,
      gid: DEFAULT_UID,
      mode: '700',
    });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ healthy: true, backupDir: { writable: true } });
    expect(response.status).toBe(201);
    expect(await backups()).toContain(body.backup.file);
    const file = await stat(join(BACKUPS, body.backup.file));
    expect({ uid: file.uid, gid: file.gid }).toEqual({ uid: DEFAULT_UID, gid: DEFAULT_UID });
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
    await compose(['restart', 'api']);
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
      const { stdout } = await compose(['exec', '-T', service, 'sh', '-c', 'tr "\\0" "\\n" < /proc/1/environ']);

      expect(stdout).toContain(`AWS_LAMBDA_FUNCTION_MEMORY_SIZE=${memory}\n`);
      expect(stdout).toContain(`AWS_LAMBDA_FUNCTION_TIMEOUT=${timeout}\n`);
    },
  );

  // Planting another uid's backups takes root (CI).
  (process.getuid?.() === 0 ? it : it.skip)(
    "the backup-folder step leaves a folder holding another uid's backups as it is, and fails saying the fix",
    async () => {
      const theirs = join(tmpdir(), `notes-their-backups-${process.pid}`);
      await mkdir(theirs, { mode: 0o700 });
      await writeFile(join(theirs, 'notes-2026-11-26T10-00-00.000Z.sql'), 'x', { mode: 0o600 });
      for (const path of [theirs, join(theirs, 'notes-2026-11-26T10-00-00.000Z.sql')]) await chown(path, 1001, 1001);

      const result = await compose(['run', '--rm', '-T', 'backup-folder'], { env: { NOTES_BACKUP_DIR: theirs } }).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      );

      try {
        expect((result as { code?: number }).code).toBe(1);
        expect(result.stdout + result.stderr).toContain(
          'backup-folder: /api/backups is not writable by 1000:1000 (owner 1001:1001, mode 700, 1 entry inside) and left as it is: ' +
            'run the functions as its owner (NOTES_UID=1001 NOTES_GID=1001), or give it and what it holds to 1000:1000 yourself: ' +
            'chown -R 1000:1000 <host folder> (NOTES_BACKUP_DIR, default api/backups)\n',
        );
        const folder = await stat(theirs);
        expect({ uid: folder.uid, mode: (folder.mode & 0o777).toString(8) }).toEqual({ uid: 1001, mode: '700' });
        expect((await stat(join(theirs, 'notes-2026-11-26T10-00-00.000Z.sql'))).uid).toBe(1001);
      } finally {
        await rm(theirs, { recursive: true, force: true });
      }
    },
  );

  it('down leaves no anonymous volume behind, and the next up leaves the handed-over folder as it is', async () => {
    const volumesOf = async () =>
      (await run('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`])).stdout
        .split('\n')
        .filter(Boolean);
    await compose(['down', '--remove-orphans']);

    expect((await volumesOf()).filter((name) => !name.endsWith('db-data'))).toEqual([]);
    await compose(['up', '-d']);
    await waitForHealth();
    expect((await compose(['logs', '--no-color', 'backup-folder'])).stdout).toContain(
      '/api/backups is writable by 1000:1000 (owner 1000:1000, mode 700): left as it is',
    );
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

    await compose(['build'], { file: join(probe, 'compose.yaml'), project: 'notes-context-test' });
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

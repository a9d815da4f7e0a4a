import { holdFolderLock } from '../test/support/holdFolderLock.js';
import { afterAll, beforeAll, beforeEach, afterEach, expect, it } from '@jest/globals';
import { startApiProcess } from '../test/support/apiProcess.js';
import { migrationNames } from '../test/support/migrationNames.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import pg from 'pg';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { waitUntil } from '../test/support/waitUntil.js';

describeWithPostgres('the local gateway (npm run api) over HTTP', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    dir = await tempFolder();
    api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir });
  });
  afterEach(async () => {
    await api.stop();
    await removeFolder(dir);
  });

  it('applies the migrations on start', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query('select name from pgmigrations order by id');
    await client.end();

    expect(rows).toEqual(migrationNames().map((name) => ({ name })));
  });

  it('answers POST /db-backup with 201 and exactly one new backup file', async () => {
    const response = await fetch(`${api.url}/db-backup`, { method: 'POST' });
    const body = (await response.json()) as { backup: { file: string; bytes: number } };

    expect(response.status).toBe(201);
    expect(await namesIn(dir)).toEqual([body.backup.file]);
    expect(parseBackupFileName(body.backup.file)?.database).toBe(database.name);
    expect(body.backup.bytes).toBeGreaterThan(1000);
  });

  it('answers a POST that may not wait (?wait=0) 409 at once while another backup runs', async () => {
    const statuses = await Promise.all([1, 2].map(() => fetch(`${api.url}/db-backup?wait=0`, { method: 'POST' }).then((r) => r.status)));

    expect(statuses.sort()).toEqual([201, 409]);
    expect(await namesIn(dir)).toHaveLength(1);
  });

  it.each([
    ['one gateway', 1],
    ['two gateways sharing the folder', 2],
  ])(
    'coalesces (%s): requests that arrive while the folder is busy share one backup that started after each arrived',
    async (_how, gateways) => {
      const second = gateways === 2 ? await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir }) : undefined;
      try {
        const urls = second ? [api.url, second.url] : [api.url];
        // Another process's run holds the folder (this test's own lock) while ten requests arrive.
        const lock = await holdFolderLock(dir);
        const asked = Array.from({ length: 10 }, (_, i) => postBackup(urls[i % urls.length]!));
        await Promise.all(asked.map((request) => request.sent));
        // Each gateway takes requests in the order they come: once a request sent after the ten has been
        // refused for the busy folder (?wait=0: 409 at once), the ten have arrived and wait on the folder.
        for (const url of urls) expect((await fetch(`${url}/db-backup?wait=0`, { method: 'POST' })).status).toBe(409);
        await lock.release();
        const answers = await Promise.all(asked.map((request) => request.answer));

        expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
        expect(await namesIn(dir)).toHaveLength(1);
        expect(new Set(answers.map((a) => a.body.backup.file)).size).toBe(1);
        expect(answers.filter((a) => a.body.coalesced)).toHaveLength(9);
        for (const answer of answers) expect(Date.parse(answer.body.backup.startedAt)).toBeGreaterThanOrEqual(answer.arrived);
      } finally {
        await second?.stop();
      }
    },
  );

  it.each([
    ['GET', '/db-backup', 405, 'METHOD_NOT_ALLOWED'],
    ['PUT', '/db-backup', 405, 'METHOD_NOT_ALLOWED'],
    ['POST', '/db-backup/extra', 404, 'NOT_FOUND'],
    ['POST', '/', 404, 'NOT_FOUND'],
  ])('answers %s %s with %i', async (method, path, status, code) => {
    const response = await fetch(`${api.url}${path}`, { method });

    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await namesIn(dir)).toEqual([]);
  });

  it('answers 413 to a body over 64 KiB without backing up', async () => {
    const response = await fetch(`${api.url}/db-backup`, { method: 'POST', body: 'x'.repeat(65 * 1024) });

    expect(response.status).toBe(413);
    expect(await namesIn(dir)).toEqual([]);
  });

  it("lists this database's backups by default, every database's with ?all=true (several databases may share a folder)", async () => {
    const ours = (await (await fetch(`${api.url}/db-backup`, { method: 'POST' })).json()) as { backup: { file: string } };
    const other = 'shop_2026-11-20T10-00-00.000Z.sql';
    await writeFile(join(dir, other), "-- another database's backup\n");

    const mine = (await (await fetch(`${api.url}/db-backups`)).json()) as { database: string; kept: { file: string }[] };
    const all = (await (await fetch(`${api.url}/db-backups?all=true`)).json()) as { database: null; kept: { file: string }[] };
    const bad = await fetch(`${api.url}/db-backups?all=maybe`);

    expect(mine.database).toBe(database.name);
    expect(mine.kept.map((k) => k.file)).toEqual([ours.backup.file]);
    expect(all.database).toBeNull();
    expect(all.kept.map((k) => k.file).sort()).toEqual([ours.backup.file, other].sort());
    expect(bad.status).toBe(400);
  });

  it("rotates only its own database's backups: another database's in the same folder stay where they are", async () => {
    const others = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07'].map(
      (day) => `shop_${day}T10-00-00.000Z.sql`,
    );
    for (const file of others) await writeFile(join(dir, file), "-- another database's backup\n");

    const response = await fetch(`${api.url}/db-backup`, { method: 'POST' });

    expect(response.status).toBe(201);
    expect((await namesIn(dir)).filter((name) => name.startsWith('shop_'))).toEqual(others);
  });

  it.each([['//anything/db-backup'], ['//127.0.0.1/db-backup'], ['/db-backup/../db-backup']])(
    'routes on the path as sent: POST %s is not /db-backup (404) and backs nothing up',
    async (path) => {
      const status = await rawRequest(api.url, 'POST', path);

      expect(status).toBe(404);
      expect(await namesIn(dir)).toEqual([]);
    },
  );

  it('answers 413 to a 10 MB chunked body, without resetting the connection, and backs nothing up', async () => {
    const status = await rawRequest(api.url, 'POST', '/db-backup', { chunkedBytes: 10 * 1024 * 1024 });

    expect(status).toBe(413);
    expect(await namesIn(dir)).toEqual([]);
  });

  it('logs one JSON line per request', async () => {
    await fetch(`${api.url}/nowhere`);
    // The line is written once the answer is sent: it may reach us just after the answer.
    const requestLines = () =>
      api
        .logs()
        .split('\n')
        .filter((line) => line.includes('"event":"request"'));
    await waitUntil(() => requestLines().length > 0, 'the request logged');

    expect(requestLines().map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'info', method: 'GET', path: '/nowhere', status: 404 }),
    ]);
  });
});

/**
 * POST /db-backup with node:http: `sent` resolves once the whole request was handed to the OS, `answer`
 * with its status, its JSON body and when it was sent.
 */
function postBackup(base: string) {
  const arrived = Date.now();
  const { hostname, port } = new URL(base);
  let sent!: () => void;
  const written = new Promise<void>((resolve) => (sent = resolve));
  const answer = new Promise<{
    arrived: number;
    status: number;
    body: { backup: { file: string; startedAt: string }; coalesced: boolean };
  }>((resolve, reject) => {
    const req = request({ hostname, port, method: 'POST', path: '/db-backup' }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ arrived, status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.on('finish', sent);
    req.end();
  });
  return { sent: written, answer };
}

/**
 * Sends a request with node:http, the path exactly as given (fetch would normalise `//x/…` and
 * `/../`), optionally with a chunked body; resolves with the answer's status.
 */
function rawRequest(base: string, method: string, path: string, options: { chunkedBytes?: number } = {}): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, method, path, headers: options.chunkedBytes ? { 'content-type': 'application/json' } : {} },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    // A client still sending when the server closes may see EPIPE: only an error before any answer fails.
    req.on('error', reject);
    if (!options.chunkedBytes) return void req.end();
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const pump = () => {
      while (sent < options.chunkedBytes!) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

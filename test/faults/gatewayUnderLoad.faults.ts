import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { startApiProcess } from '../support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../support/postgres.js';
import { seededRandom } from '../support/random.js';
import { shellScript } from '../support/scripts.js';
import { removeFolder, tempFolder } from '../support/tempFolder.js';
import { waitUntil } from '../support/waitUntil.js';

const TOKEN = 'load-test-token';

/** Sends one raw HTTP request (no client-side normalisation of the path) and resolves with its status and body. */
function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const framed = body ? { ...headers, 'content-length': String(body.length) } : headers;
    const req = request({ hostname, port, method, path, headers: framed, timeout: 60_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describeWithPostgres('the gateway under load and hostile input', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let root: string;
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    root = await tempFolder('notes-attack-');
    dir = join(root, 'backups');
    await mkdir(dir); // a configured BACKUP_DIR must exist (a volume that is mounted)
    await mkdir(join(root, 'outside'));
    await writeFile(join(root, 'outside', 'secret.txt'), 'must stay untouched\n');
    // Stand-in pg_dump: the real one, started after 2 s, so that 100 requests surely overlap one dump.
    const slowPgDump = await shellScript(root, 'pg_dump', '[ "$1" = "--version" ] && exec pg_dump --version\nsleep 2\nexec pg_dump "$@"');
    api = await startApiProcess({ DATABASE_URL: database.url, BACKUP_DIR: dir, API_TOKEN: TOKEN, PG_DUMP_PATH: slowPgDump });
  });
  afterAll(async () => {
    await api.stop();
    await removeFolder(root);
    await database.drop();
  });

  const openFiles = async () => (await readdir(`/proc/${api.pid}/fd`)).length;
  /** The connections from clients the API still holds: its sockets on its port, other than the listening one (from /proc). */
  const clientConnections = async () => {
    const fds = await readdir(`/proc/${api.pid}/fd`);
    const links = await Promise.all(fds.map((fd) => readlink(`/proc/${api.pid}/fd/${fd}`).catch(() => '')));
    const sockets = new Set(links.map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1]).filter(Boolean));
    const port = `:${Number(new URL(api.url).port).toString(16).toUpperCase().padStart(4, '0')}`;
    const table = `${await readFile('/proc/net/tcp', 'utf8')}${await readFile('/proc/net/tcp6', 'utf8').catch(() => '')}`;
    // Columns: sl, local address, remote address, state (0A: listening), …, inode (the tenth).
    return table
      .split('\n')
      .map((row) => row.trim().split(/\s+/))
      .filter((row) => row[1]?.endsWith(port) && row[3] !== '0A' && sockets.has(row[9])).length;
  };
  const backupsIn = async () => (await readdir(dir).catch(() => [] as string[])).filter((name) => /\.sql$/.test(name));

  it('answers 100 concurrent POST /db-backup with 100 201s from at most two dumps (coalesced), no 5xx, and no leaked descriptors', async () => {
    // Warm up the handler modules, on a connection that closes: a keep-alive socket would close during
    // the test (after the server's keep-alive timeout) and make the count before one too high.
    await rawRequest(api.url, 'GET', '/health', { authorization: `Bearer ${TOKEN}`, connection: 'close' });
    await waitUntil(async () => (await clientConnections()) === 0, 'the warm-up connection closed');
    const descriptorsBefore = await openFiles();

    const sent = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        rawRequest(api.url, 'POST', '/db-backup', { authorization: `Bearer ${TOKEN}`, connection: 'close' }),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(201));
    const bodies = answers.map((a) => JSON.parse(a.text) as { backup: { file: string; startedAt: string }; coalesced: boolean });
    const dumps = await backupsIn();
    // The first dump starts at once; every request that arrived after it started waits for and shares the second.
    expect(dumps.length).toBeGreaterThanOrEqual(1);
    expect(dumps.length).toBeLessThanOrEqual(2);
    expect(new Set(bodies.map((b) => b.backup.file))).toEqual(new Set(dumps));
    expect(bodies.filter((b) => !b.coalesced)).toHaveLength(dumps.length);
    for (const body of bodies) expect(Date.parse(body.backup.startedAt)).toBeGreaterThanOrEqual(sent);
    // The connections close just after their answers: the count is checked once they have (or after 10 s).
    await waitUntil(async () => (await openFiles()) === descriptorsBefore, 'the descriptors back to their count').catch(() => undefined);
    expect(await openFiles()).toBe(descriptorsBefore);
  });

  it('survives 2,000 generated hostile requests: no crash, no 5xx, nothing touched outside the backup folder', async () => {
    const random = seededRandom(2000);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
    const paths = [
      '/db-backup',
      '/db-backups',
      '/health',
      '/notes',
      '/notes/1',
      '/notes/-1',
      '/notes/99999999999999999999',
      '/folders',
      '/folders/1',
      '/notes/1/tags/x',
      '/notes/1/tags/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/../../etc/passwd',
      '/db-backup/../../outside/secret.txt',
      '/%2e%2e/%2e%2e/outside/secret.txt',
      '//etc/passwd',
      '/notes/%00',
      '/notes/1%00.sql',
      '/folders/%ff%fe',
      `/${'a'.repeat(5000)}`,
      '/db-backup?dir=/tmp',
      '/notes?folderId=../../x&tag=%00',
      '/notes?folderId=1e9',
      '/notes?q=%27%3B%20drop%20table%20notes%3B%20--',
      `/notes?q=${'milk%20'.repeat(2000)}`,
      '/notes?q=%26%7C!()%3A*%27%5C',
      '/notes?q=the%20and%20of',
      '/notes?q=%EE%80%80milk%EE%80%81&limit=100',
      '/notes?q=milk&limit=-1&folderId=1&tag=%00',
      'http://evil.example/db-backup',
    ];
    const bodies = [
      undefined,
      '',
      '{',
      '{"name":',
      'null',
      '[]',
      '"text"',
      '{"name":"x","parentId":"../.."}',
      '{"title":"\\u0000"}',
      '{"title":"x","folderId":-5}',
      '{"__proto__":{"admin":true}}',
      JSON.stringify({ title: 'y'.repeat(600) }),
    ];
    const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', ''];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const kind = random();
      let body: Buffer | undefined;
      if (kind < 0.05) body = Buffer.alloc(70 * 1024, 'x');
      else if (kind < 0.15) body = Buffer.from(Array.from({ length: 256 }, () => Math.floor(random() * 256)));
      else {
        const text = pick(bodies);
        body = text === undefined ? undefined : Buffer.from(text);
      }
      const headers: Record<string, string> = { connection: 'close' };
      const contentType = pick(contentTypes);
      if (contentType) headers['content-type'] = contentType;
      const auth = random();
      if (auth < 0.6) headers.authorization = `Bearer ${TOKEN}`;
      else if (auth < 0.8) headers.authorization = `Bearer ${'z'.repeat(Math.floor(random() * 100))}`;
      const path = pick(paths);
      // POST /db-backup with the token would take a 2 s backup: keep those few.
      if (path.startsWith('/db-backup') && headers.authorization === `Bearer ${TOKEN}` && random() < 0.97) delete headers.authorization;
      const method = pick(methods);
      const status = await rawRequest(api.url, method, path, headers, body).then(
        (answer) => answer.status,
        () => 0,
      );
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }

    const serverErrors = [...statuses].filter(([status]) => status === 0 || status >= 500);
    expect(serverErrors).toEqual([]);
    expect((await fetch(`${api.url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await readdir(root)).sort()).toEqual(['backups', 'outside', 'pg_dump']);
    expect(await readdir(join(root, 'outside'))).toEqual(['secret.txt']);
    expect(await readFile(join(root, 'outside', 'secret.txt'), 'utf8')).toBe('must stay untouched\n');
    const unexpected = (await readdir(dir)).filter(
      (name) =>
        !/^notes_test_\w+_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\.sql$/.test(name) &&
        !['archive', '.db-backup-databases.json', '.db-backup-contents.json', '.db-backup-generation', 'SHA256SUMS'].includes(name) &&
        !name.startsWith('.db-backup-status-'),
    );
    expect(unexpected).toEqual([]);
  });
});

import { holdFolderLock } from '../../test/support/holdFolderLock.js';
import { BackupFolder } from '../backup/folder/BackupFolder.js';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rowsOf } from '../../test/support/compareDatabases.js';
import { describeEachDatabasePath, type DatabaseUnderTest } from '../../test/support/databasePaths.js';
import { httpApiEvent, lambdaContext, restEvent } from '../../test/support/events.js';
import { createTestDatabase, describeWithPostgres } from '../../test/support/postgres.js';
import { shellScript } from '../../test/support/scripts.js';
import { startThrowAwayServer } from '../../test/support/throwAwayServer.js';
import { namesIn, removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { formatBackupFileName, parseBackupFileName } from '../backup/retention/backupFileName.js';
import { BackupCreator } from '../backup/dump/BackupCreator.js';
import { BackupRotator } from '../backup/retention/BackupRotator.js';
import { BackupService } from '../backup/BackupService.js';
import { DEFAULT_RETENTION_POLICY } from '../backup/retention/RetentionPolicy.js';
import { createBackupService } from '../backup/createBackupService.js';
import { loadConfig } from '../config/loadConfig.js';
import { silentLogger } from '../log/Logger.js';
import { createBackupStatusHandler } from '../backup-status/handler.js';
import { createDbBackupHandler } from './handler.js';

const call = async (handler: ReturnType<typeof createDbBackupHandler>, event: unknown) => {
  const result = (await handler(event as never, lambdaContext())) as APIGatewayProxyResult;
  return { ...result, json: JSON.parse(result.body) };
};

describeEachDatabasePath('POST /db-backup handler', (path) => {
  let database: DatabaseUnderTest;
  let dir: string;
  const handlerWith = () => {
    const folder = new BackupFolder(dir);
    const creator = new BackupCreator({ folder, source: database.source });
    const rotator = new BackupRotator({ folder, policy: DEFAULT_RETENTION_POLICY });
    return createDbBackupHandler({ service: () => new BackupService({ folder, creator, rotator }), logger: silentLogger });
  };

  beforeAll(async () => {
    database = await path.create();
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(() => removeFolder(dir));

  it.each([
    ['payload 1.0 (REST API)', restEvent('POST', '/db-backup')],
    ['payload 2.0 (HTTP API)', httpApiEvent('POST', '/db-backup')],
  ])('answers 201 and writes exactly one backup for a %s event', async (_format, event) => {
    const response = await call(handlerWith(), event);

    expect(response.statusCode).toBe(201);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    const files = await namesIn(dir);
    expect(files).toEqual([response.json.backup.file]);
    expect(parseBackupFileName(files[0]!)?.database).toBe(database.database);
    expect(response.json.rotation).toEqual({
      kept: [],
      archived: [],
      deleted: [],
      skipped: [],
      stalePartials: [],
      futureDated: [],
      archiveCutoff: expect.any(String),
    });
  });

  it('writes a backup that restores into an identical database', async () => {
    const response = await call(handlerWith(), restEvent('POST', '/db-backup'));
    const restored = await database.restore(response.json.backup.path);
    try {
      expect(await restored.schema()).toEqual(await database.schema());
      const [original, copy] = await Promise.all([rowsOf(database.url), rowsOf(restored.url)]);
      expect(copy).toEqual(original);
      expect(Object.keys(original)).toEqual(['public.folders', 'public.note_tags', 'public.notes', 'public.pgmigrations', 'public.tags']);
      expect(original['public.notes']).toHaveLength(3);
    } finally {
      await restored.close();
    }
  });

  it('rotates the existing backups before writing the new one', async () => {
    const old = ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04', '2020-01-05', '2020-01-06'].map((day) =>
      formatBackupFileName(database.database, new Date(`${day}T00:00:00Z`)),
    );
    await Promise.all(old.map((file) => writeFile(join(dir, file), 'old\n')));

    const response = await call(handlerWith(), restEvent('POST', '/db-backup'));

    expect(response.statusCode).toBe(201);
    // The six old ones were rotated before the new backup existed: five kept, the oldest past the cutoff deleted.
    expect(response.json.rotation.kept.map((k: { file: string }) => k.file)).toEqual(old.slice(1).reverse());
    expect(response.json.rotation.deleted).toEqual([old[0]]);
    expect(await namesIn(dir)).toEqual([...old.slice(1), response.json.backup.file].sort());
  });

  it('answers one of two concurrent requests that may not wait (?wait=0) 409', async () => {
    const handler = handlerWith();
    const noWait = () => ({ ...restEvent('POST', '/db-backup'), queryStringParameters: { wait: '0' } });

    const responses = await Promise.all([call(handler, noWait()), call(handler, noWait())]);

    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const conflict = responses.find((r) => r.statusCode === 409)!;
    expect(conflict.json).toEqual({
      error: {
        code: 'BACKUP_IN_PROGRESS',
        message:
          'a backup or rotation is already running for this backup folder (a lock whose holder died is taken over 20 s after its last refresh)',
      },
    });
    expect(await namesIn(dir)).toHaveLength(1);
  });

  it('makes requests that arrive during a run share the one backup started after them (coalesced), never 409', async () => {
    const handler = handlerWith();
    // Another run holds the folder while five requests arrive.
    const lock = await holdFolderLock(dir);
    const arrived = Date.now();
    const asked = Array.from({ length: 5 }, () => call(handler, restEvent('POST', '/db-backup')));
    // A request made after the five, refused at once for the busy folder (?wait=0): the five, ahead of it, wait on the folder too.
    const probe = await call(handler, { ...restEvent('POST', '/db-backup'), queryStringParameters: { wait: '0' } });
    expect(probe.statusCode).toBe(409);
    await lock.release();

    const responses = await Promise.all(asked);

    expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(responses.filter((r) => r.json.coalesced)).toHaveLength(4);
    expect(new Set(responses.map((r) => r.json.backup.file)).size).toBe(1);
    expect(Date.parse(responses[0]!.json.backup.startedAt)).toBeGreaterThanOrEqual(arrived);
    expect(await namesIn(dir)).toHaveLength(1);
  });

  it.each([
    ['yes', 'full must be 1 (or true) or 0 (or false) (got "yes")'],
    ['2', 'full must be 1 (or true) or 0 (or false) (got "2")'],
    ['TRUE', 'full must be 1 (or true) or 0 (or false) (got "TRUE")'],
    ['', 'full needs a value: full=1 (or true) asks for a real dump'],
  ])('refuses full=%j, writing nothing', async (full, message) => {
    const response = await call(handlerWith(), { ...restEvent('POST', '/db-backup'), queryStringParameters: { full } });

    expect(response.statusCode).toBe(400);
    expect(response.json.error.message).toBe(message);
    expect(await namesIn(dir)).toEqual([]);
  });

  it('refuses a wait that is not a whole number of seconds up to 900', async () => {
    const response = await call(handlerWith(), { ...restEvent('POST', '/db-backup'), queryStringParameters: { wait: '-1' } });

    expect(response.statusCode).toBe(400);
    expect(response.json.error.message).toBe('wait must be a whole number of seconds from 0 to 900 (got "-1")');
    expect(await namesIn(dir)).toEqual([]);
  });
});

describeWithPostgres('POST /db-backup handler failures, real PostgreSQL and pg_dump', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  const handlerWith = (env: NodeJS.ProcessEnv = {}) => {
    const service = createBackupService(loadConfig({ DATABASE_URL: database.url, BACKUP_DIR: dir, ...env }), silentLogger);
    return createDbBackupHandler({ service: () => service, logger: silentLogger });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(() => removeFolder(dir));

  it('answers 503 and writes nothing when the database is down', async () => {
    const response = await call(handlerWith({ DATABASE_URL: 'postgres://postgres:pw@127.0.0.1:1/notes' }), restEvent('POST', '/db-backup'));

    expect(response.statusCode).toBe(503);
    expect(response.json.error.code).toBe('DATABASE_UNAVAILABLE');
    expect(response.json.error.message).toContain('postgres://postgres:***@127.0.0.1:1/notes');
    expect(await namesIn(dir)).toEqual([]);
  });

  it('makes GET /health answer 503 after a failed backup, and 200 again after a good one', async () => {
    const health = async () => {
      const handler = createBackupStatusHandler({
        folder: () => new BackupFolder(dir),
        rotator: () => new BackupRotator({ folder: new BackupFolder(dir), policy: DEFAULT_RETENTION_POLICY }),
        database: async () => database.name,
        logger: silentLogger,
      });
      const result = (await handler(restEvent('GET', '/health') as never, lambdaContext())) as APIGatewayProxyResult;
      return { status: result.statusCode, body: JSON.parse(result.body) };
    };
    // The same database, its server unreachable for a moment.
    await call(handlerWith({ DATABASE_URL: `postgres://postgres@127.0.0.1:1/${database.name}` }), restEvent('POST', '/db-backup'));

    const failing = await health();

    expect(failing.status).toBe(503);
    expect(failing.body.problems).toEqual([expect.stringMatching(/^the last backup failed: cannot reach the database/)]);
    expect(failing.body.lastAttempt).toMatchObject({ ok: false, error: { code: 'DATABASE_UNAVAILABLE' } });

    await call(handlerWith(), restEvent('POST', '/db-backup'));

    expect(await health()).toMatchObject({
      status: 200,
      body: { healthy: true, backupDir: { writable: true }, lastAttempt: { ok: true }, problems: [] },
    });
  });

  it('makes GET /health answer 503 when the backup folder cannot be written', async () => {
    const missing = new BackupFolder(join(dir, 'missing', 'folder'));
    const handler = createBackupStatusHandler({
      folder: () => missing,
      rotator: () => new BackupRotator({ folder: missing, policy: DEFAULT_RETENTION_POLICY }),
      database: async () => 'notes',
      logger: silentLogger,
    });

    const result = (await handler(restEvent('GET', '/health') as never, lambdaContext())) as APIGatewayProxyResult;

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body).problems).toEqual([
      `the backup folder ${join(dir, 'missing', 'folder')} does not exist: create it (mkdir ${join(dir, 'missing', 'folder')}), or mount the volume it is on (BACKUP_DIR, or --dir)`,
    ]);
  });

  it("answers 500 DUMP_FAILED, without pg_dump's stderr, when pg_dump fails", async () => {
    const scripts = await tempFolder('notes-scripts-');
    const pgDump = await shellScript(
      scripts,
      'pg_dump',
      '[ "$1" = "--version" ] && exec pg_dump --version\n# Stand-in: fails.\necho "line one of the details" >&2\necho "pg_dump: error: boom" >&2\nexit 1',
    );
    try {
      const response = await call(handlerWith({ PG_DUMP_PATH: pgDump }), restEvent('POST', '/db-backup'));

      expect(response.statusCode).toBe(500);
      expect(response.json).toEqual({ error: { code: 'DUMP_FAILED', message: 'pg_dump failed with exit code 1: pg_dump: error: boom' } });
      expect(await namesIn(dir)).toEqual([]);
    } finally {
      await removeFolder(scripts);
    }
  });
});

// A server of its own, idle but for this test: the fingerprint's transaction counter is cluster-wide,
// so the shared test server's other suites would make every backup a dump (safe, but not this test).
describeWithPostgres('POST /db-backup on an unchanged database, a throw-away server (autovacuum off)', () => {
  let server: Awaited<ReturnType<typeof startThrowAwayServer>>;
  let dir: string;
  const post = (full?: string) => {
    const service = createBackupService(loadConfig({ DATABASE_URL: server.url(), BACKUP_DIR: dir }), silentLogger);
    const handler = createDbBackupHandler({ service: () => service, logger: silentLogger });
    return call(handler, { ...restEvent('POST', '/db-backup'), ...(full ? { queryStringParameters: { full } } : {}) });
  };

  beforeAll(async () => {
    server = await startThrowAwayServer({ autovacuum: 'off' });
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(() => removeFolder(dir));

  it('makes the second backup from the first (same bytes, "unchangedSince"), and a real dump with full=1', async () => {
    const first = (await post()).json.backup;
    const second = (await post()).json.backup;
    const third = (await post('1')).json.backup;

    expect(first.unchangedSince).toBeUndefined();
    expect(second).toMatchObject({ unchangedSince: first.file, sha256: first.sha256 });
    expect(third.unchangedSince).toBeUndefined();
    // pg_dump's random \restrict key: a real dump never has the bytes of the one before.
    expect(third.sha256).not.toBe(first.sha256);
    expect(await namesIn(dir)).toHaveLength(3);
  });
});

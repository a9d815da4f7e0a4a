import { BackupFolder } from '../folder/BackupFolder.js';
import { afterAll, beforeAll, beforeEach, afterEach, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { execSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { gunzipSync } from 'node:zlib';
import { rowsOf } from '../../../test/support/compareDatabases.js';
import { createTestDatabase, describeWithPostgres } from '../../../test/support/postgres.js';
import { shellScript } from '../../../test/support/scripts.js';
import { seedNotes } from '../../../test/support/seedNotes.js';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { databaseConnection } from '../../db/databaseConnection.js';
import { migrate } from '../../db/migrate.js';
import { BackupCreator } from './BackupCreator.js';
import { DatabaseMissingError, DatabaseUnavailableError } from '../../db/errors.js';
import { DumpFailedError } from '../errors.js';
import { PgDumpSource, type PgDumpSourceOptions } from './PgDumpSource.js';

describeWithPostgres('BackupCreator with the real pg_dump', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let scripts: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    await seedNotes(database.url);
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    dir = await tempFolder();
    scripts = await tempFolder('notes-scripts-');
  });
  afterEach(async () => {
    await removeFolder(dir);
    await removeFolder(scripts);
  });

  const creator = (options: Partial<PgDumpSourceOptions> & { url?: string; clock?: () => Date; gzipLevel?: number } = {}) =>
    new BackupCreator({
      folder: new BackupFolder(dir),
      clock: options.clock,
      gzipLevel: options.gzipLevel,
      source: new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: options.url ?? database.url }), ...options }),
    });

  it('writes one complete backup, 0600, named by the pattern, with its size and sha256', async () => {
    const backup = await creator().create();

    expect(await namesIn(dir)).toEqual([backup.file]);
    expect(backup.file).toMatch(new RegExp(`^${database.name}_\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z\\.sql$`));
    const content = await readFile(backup.path);
    expect(backup.bytes).toBe(content.length);
    expect(backup.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect((await stat(backup.path)).mode & 0o777).toBe(0o600);
    expect(content.toString('utf8')).toContain('Crème brûlée');
  });

  it('writes a gzipped backup (BACKUP_COMPRESS=gzip) that gunzip -c | psql restores', async () => {
    const backup = await creator({ gzipLevel: 6 }).create();

    expect(await namesIn(dir)).toEqual([backup.file]);
    expect(backup.file).toMatch(/\.sql\.gz$/);
    const content = await readFile(backup.path);
    expect(backup.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(backup.bytes).toBe(content.length);
    expect(gunzipSync(content).toString('utf8')).toContain('-- PostgreSQL database dump complete');
    const restored = await createTestDatabase('notes_gunzip');
    try {
      execSync(`gunzip -c '${backup.path}' | psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -d '${restored.url}'`, { stdio: 'pipe' });
      expect(await rowsOf(restored.url)).toEqual(await rowsOf(database.url));
    } finally {
      await restored.drop();
    }
  });

  it('takes the next millisecond instead of overwriting a backup of the same name', async () => {
    const clock = () => new Date('2026-11-26T19:27:52.123Z');
    const taken = `${database.name}_2026-11-26T19-27-52.123Z.sql`;
    await writeFile(join(dir, taken), 'an earlier backup\n');

    const backup = await creator({ clock }).create();

    expect(backup.file).toBe(`${database.name}_2026-11-26T19-27-52.124Z.sql`);
    expect(await readFile(join(dir, taken), 'utf8')).toBe('an earlier backup\n');
  });

  it.each([
    [
      'in the URL, with every special character encoded',
      (url: string) => url.replace('postgres@', `postgres:${encodeURIComponent('p@:/?#%s3cr3t')}@`),
      'p@:/?#%s3cr3t',
    ],
    ['as a URL parameter', (url: string) => `${url}?password=s3cr3t-param&application_name=notes`, 's3cr3t-param'],
  ])(
    'gives pg_dump the password %s only in its own environment: never in argv, never in a file, no DATABASE_URL or API_TOKEN',
    async (_how, withPassword, password) => {
      const record = join(scripts, 'record.txt');
      const recorder = await shellScript(
        scripts,
        'pg_dump',
        [
          '# Stand-in that records what the real pg_dump is started with (argv, environment, open files), then runs it.',
          `printf 'ARG %s\\n' "$@" >> ${record}`,
          `env | sed 's/^/ENV /' >> ${record}`,
          `ls -l /proc/$$/fd | sed 's/^/FD /' >> ${record}`,
          'exec pg_dump "$@"',
        ].join('\n'),
      );
      // trust auth accepts any password; API_TOKEN and DATABASE_URL stand for the API's own secrets.
      const env = { ...process.env, DATABASE_URL: withPassword(database.url), API_TOKEN: 'api-secret' };

      await creator({ url: withPassword(database.url), pgDumpPath: recorder, env }).create();

      const lines = (await readFile(record, 'utf8')).split('\n');
      const args = lines.filter((line) => line.startsWith('ARG '));
      const environment = lines.filter((line) => line.startsWith('ENV '));
      expect(args).toContain('ARG --no-password');
      expect(args.join('\n')).not.toContain(password);
      expect(environment).toContain(`ENV PGPASSWORD=${password}`);
      expect(environment.filter((line) => /^ENV (DATABASE_URL|API_TOKEN)=/.test(line))).toEqual([]);
      expect(lines.filter((line) => line.startsWith('FD ') && /pgpass/.test(line))).toEqual([]);
    },
  );

  it.each([
    [
      'a database that does not exist',
      { url: 'postgres://postgres@127.0.0.1:5432/no_such_database_here' },
      DatabaseMissingError,
      /^database "no_such_database_here" does not exist on 127\.0\.0\.1:5432; create it with: createdb -h 127\.0\.0\.1 -p 5432 -U postgres no_such_database_here$/,
    ],
    ['a server that is down', { url: 'postgres://postgres@127.0.0.1:1/notes' }, DatabaseUnavailableError, /ECONNREFUSED/],
    ['a pg_dump that is not installed', { pgDumpPath: '/nonexistent/pg_dump' }, DumpFailedError, /not found/],
  ] as const)('fails cleanly for %s', async (_what, options, errorClass, message) => {
    const error = await creator(options)
      .create()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).toMatch(message);
    expect(await namesIn(dir)).toEqual([]);
  });

  it.each([
    [
      'killed mid-dump',
      '# Stand-in: the real pg_dump, its output cut after 1000 bytes, then the process is SIGKILLed.\npg_dump "$@" | head -c 1000\nkill -KILL $$',
      /killed by SIGKILL/,
    ],
    [
      'cut short but exiting 0',
      '# Stand-in: the real pg_dump, its output cut after 1000 bytes, exiting 0 as if all went well.\npg_dump "$@" | head -c 1000\nexit 0',
      /incomplete|corrupt/,
    ],
    ['writing nothing', '# Stand-in: exits 0 without writing anything.\nexit 0', /wrote nothing/],
    [
      'failing with a password in its message',
      '# Stand-in: fails and prints a connection URL with a password.\necho "pg_dump: error: connection to postgres://app:s3cret@db/notes failed" >&2\nexit 1',
      /exit code 1: pg_dump: error: connection to postgres:\/\/app:\*\*\*@db\/notes failed/,
    ],
  ])('leaves no backup and no partial file when pg_dump is %s', async (_what, body, message) => {
    const pgDump = await shellScript(scripts, 'pg_dump', `[ "$1" = "--version" ] && exec pg_dump --version\n${body}`);

    for (const gzipLevel of [undefined, 6]) {
      const error = await creator({ pgDumpPath: pgDump, gzipLevel })
        .create()
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DumpFailedError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('s3cret');
      expect(await namesIn(dir)).toEqual([]);
    }
  });

  it('gives up on a table locked by another session after the lock wait timeout, instead of queueing', async () => {
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table notes in access exclusive mode');

      const error = await creator({ lockWaitTimeoutMs: 300 })
        .create()
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DumpFailedError);
      expect((error as Error).message).toMatch(
        /^pg_dump gave up waiting for a table lock after 300 ms \(BACKUP_LOCK_WAIT_TIMEOUT_MS\): pg_dump: error: /,
      );
      expect(await namesIn(dir)).toEqual([]);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
  });

  it('stops a pg_dump that runs past the timeout', async () => {
    const pgDump = await shellScript(
      scripts,
      'pg_dump',
      '[ "$1" = "--version" ] && exec pg_dump --version\n# Stand-in: hangs.\nexec sleep 30',
    );

    const error = await creator({ pgDumpPath: pgDump, timeoutMs: 300 })
      .create()
      .catch((e: unknown) => e);

    expect((error as Error).message).toBe('pg_dump took longer than 300 ms and was stopped');
    expect(await namesIn(dir)).toEqual([]);
  });

  it('refuses a pg_dump older than the server, saying which versions', async () => {
    const pgDump = await shellScript(scripts, 'pg_dump', '# Stand-in: an old pg_dump.\necho "pg_dump (PostgreSQL) 9.6.24"');

    const error = await creator({ pgDumpPath: pgDump })
      .create()
      .catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/^pg_dump 9 cannot dump a PostgreSQL \d+ server: install pg_dump \d+ or newer/);
    expect(await namesIn(dir)).toEqual([]);
  });
});

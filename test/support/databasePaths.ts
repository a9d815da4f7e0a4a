import { describe } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DumpSource } from '../../functions/backup/dump/DumpSource.js';
import { PgDumpSource } from '../../functions/backup/dump/PgDumpSource.js';
import { PgliteDumpSource } from '../../functions/db/embedded/PgliteDumpSource.js';
import { databaseConnection } from '../../functions/db/databaseConnection.js';
import { dumpPglite } from '../../functions/db/embedded/dumpPglite.js';
import { EmbeddedDatabase } from '../../functions/db/embedded/EmbeddedDatabase.js';
import { migrate } from '../../functions/db/migrate.js';
import { restoreWithPsql, schemaOf } from './compareDatabases.js';
import { ADMIN_URL, createTestDatabase, postgresReachable } from './postgres.js';
import { startThrowAwayServer } from './throwAwayServer.js';
import { seedNotes } from './seedNotes.js';
import { removeFolder, tempFolder } from './tempFolder.js';

/** A migrated, seeded notes database on one of the two paths the product supports. */
export interface DatabaseUnderTest {
  url: string;
  /** The name its backup files carry. */
  database: string;
  source: DumpSource;
  schema(): Promise<string>;
  /** Restores a backup into a fresh, empty database of the same kind. */
  restore(backupPath: string): Promise<{ url: string; schema(): Promise<string>; close(): Promise<void> }>;
  close(): Promise<void>;
}

export interface DatabasePath {
  name: string;
  /** Why the path cannot run here, or undefined when it can. */
  unavailable(): string | undefined;
  /**
   * `prefix`: the server path's database names begin with it (a suite's own, to tell its databases apart).
   * `ownServer`: on the server path, a throw-away server of its own with autovacuum off, so that nothing
   * else moves the cluster-wide transaction counter (a suite expecting an unchanged fingerprint: other
   * suites' writes to the shared server, or an autovacuum's ANALYZE, would change it).
   */
  create(options?: { prefix?: string; ownServer?: boolean }): Promise<DatabaseUnderTest>;
}

/** The embedded database of `npm start`: PGlite in a folder, served over a loopback socket, dumped by the WASM pg_dump. */
const embedded: DatabasePath = {
  name: 'embedded PGlite + WASM pg_dump',
  unavailable: () => undefined,
  async create() {
    const folder = await tempFolder('notes-pglite-');
    const running = await EmbeddedDatabase.start(join(folder, 'pglite'));
    await migrate(databaseConnection({ DATABASE_URL: running.url }));
    await seedNotes(running.url);
    return {
      url: running.url,
      database: running.backupName,
      // With the socket URL, as `npm start` builds it: the source reads fingerprints (instant backups).
      source: new PgliteDumpSource(running.db, running.backupName, running.url),
      schema: () => pgliteSchema(running.db),
      async restore(backupPath) {
        const copy = await PGlite.create();
        // psql meta-commands (\restrict) are not SQL; PGlite executes the rest as it is.
        const sql = (await readFile(backupPath, 'utf8'))
          .split('\n')
          .filter((line) => !line.startsWith('\\'))
          .join('\n');
        await copy.exec(sql);
        await copy.exec('SET search_path TO "$user", public');
        const server = new PGLiteSocketServer({ db: copy, host: '127.0.0.1', port: 0, maxConnections: 4 });
        await server.start();
        return {
          url: `postgresql://postgres@${server.getServerConn()}/postgres`,
          schema: () => pgliteSchema(copy),
          close: async () => {
            await server.stop();
            await copy.close();
          },
        };
      },
      async close() {
        await running.close();
        await removeFolder(folder);
      },
    };
  },
};

/** A PostgreSQL server dumped by the native pg_dump and restored by psql. */
const server: DatabasePath = {
  name: 'PostgreSQL server + native pg_dump',
  unavailable: () => (postgresReachable() ? undefined : 'no PostgreSQL server reachable'),
  async create({ prefix, ownServer = false } = {}) {
    const own = ownServer ? await startThrowAwayServer({ autovacuum: 'off' }) : undefined;
    const adminUrl = own?.url() ?? ADMIN_URL;
    const database = await createTestDatabase(prefix, { adminUrl });
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    await seedNotes(database.url);
    return {
      url: database.url,
      database: database.name,
      source: new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: database.url }) }),
      schema: async () => schemaOf(database.url),
      async restore(backupPath) {
        const restored = await createTestDatabase(prefix ? `${prefix}_restore` : 'notes_restore', { adminUrl });
        restoreWithPsql(backupPath, restored.url);
        return { url: restored.url, schema: async () => schemaOf(restored.url), close: restored.drop };
      },
      close: async () => {
        await database.drop();
        await own?.stop();
      },
    };
  },
};

export const DATABASE_PATHS: DatabasePath[] = [embedded, server];

/**
 * `describe.each` over the database paths: the embedded one always runs; the server one runs where a
 * server is reachable, and is skipped with a message saying so elsewhere, never in CI.
 */
export function describeEachDatabasePath(
  title: string,
  body: (path: DatabasePath) => void,
  /** Another reason to skip outside CI (a tool the suite runs is missing), or undefined. */
  alsoUnavailable: () => string | undefined = () => undefined,
): void {
  for (const path of DATABASE_PATHS) describeOnPath(path, title, body, alsoUnavailable);
}

/** One path's suite: skipped, said on stderr, when it cannot run here, but never in CI (CI=true). */
function describeOnPath(
  path: DatabasePath,
  title: string,
  body: (path: DatabasePath) => void,
  alsoUnavailable: () => string | undefined = () => undefined,
): void {
  const reason = path.unavailable() ?? alsoUnavailable();
  const name = `${title} [${path.name}]`;
  if (reason && process.env.CI !== 'true') {
    process.stderr.write(`SKIPPED "${name}": ${reason}\n`);
    describe.skip(name, () => body(path));
  } else {
    describe(name, () => body(path));
  }
}

async function pgliteSchema(db: PGlite): Promise<string> {
  const text = (await dumpPglite(db, ['--schema-only'])).toString('utf8');
  return text
    .split('\n')
    .filter((line) => !line.startsWith('\\') && !line.startsWith('-- Dumped'))
    .join('\n');
}

/** A suite on one database path only (the one whose name starts with `prefix`), skipped as describeEachDatabasePath skips. */
export function describeOnDatabasePath(prefix: string, title: string, body: (path: DatabasePath) => void): void {
  const path = DATABASE_PATHS.find((candidate) => candidate.name.startsWith(prefix));
  if (!path) throw new Error(`no database path is named ${prefix}…`);
  describeOnPath(path, title, body);
}

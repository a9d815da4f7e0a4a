import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DataFolder } from './DataFolder.js';
import { LockHeldError, lockForThisProcess } from './lockForThisProcess.js';
import { copyTemplate, TEMPLATE_DIR } from './pgliteTemplate.js';

/**
 * PostgreSQL without a server, for a first run: PGlite (WASM Postgres) persisted in a folder, served
 * over the PostgreSQL wire protocol on a loopback port so that `pg`, the migrations and the handlers
 * use it unchanged. Only one live process may open the folder at a time (`<dataDir>.pid`).
 */
export class EmbeddedDatabase {
  private constructor(
    readonly db: PGlite,
    readonly url: string,
    readonly dataDir: string,
    /** The name its backups are filed under: its data folder's own (see DataFolder). */
    readonly backupName: string,
    private readonly server: PGLiteSocketServer,
    private readonly release: () => Promise<void>,
  ) {}

  /**
   * Opens (or creates) the database in `dataDir` and serves it on 127.0.0.1; refuses a folder another
   * process holds, and a non-empty folder that holds no database (NotADataFolderError), untouched.
   */
  static async start(dataDir: string): Promise<EmbeddedDatabase> {
    await mkdir(dirname(dataDir), { recursive: true });
    let release: () => Promise<void>;
    try {
      release = await lockForThisProcess(`${dataDir}.pid`);
    } catch (error) {
      if (error instanceof LockHeldError) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by another "npm start" (process ${error.holder}); leave that app first`,
        );
      }
      throw error;
    }
    try {
      const folder = new DataFolder(dataDir);
      // PGlite would run initdb over a folder without PG_VERSION, whatever it holds: checked first.
      const db = (await folder.holdsDatabase()) ? await PGlite.create(dataDir) : await createDatabase(dataDir);
      let backupName: string;
      try {
        backupName = await folder.backupName();
      } catch (error) {
        await db.close();
        throw error;
      }
      // The socket server multiplexes several client connections onto PGlite's single session.
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
      await server.start();
      return new EmbeddedDatabase(db, `postgresql://postgres@${server.getServerConn()}/postgres`, dataDir, backupName, server, release);
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** Stops serving, flushes and closes the database, and frees the folder. */
  async close(): Promise<void> {
    try {
      await this.server.stop();
      // Let the socket server's own close handlers run before the database goes: they still use it.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await this.db.close();
    } finally {
      await this.release();
    }
  }
}

/**
 * Creates the database of a new data folder, named from the start. A first run starts from the
 * template made at install: a copy, not an initdb, named before it is put in place. A copy that does
 * not open (a damaged template) is removed again, and PGlite creates the database itself.
 */
async function createDatabase(dataDir: string): Promise<PGlite> {
  const name = DataFolder.newBackupName();
  const copied = await copyTemplate(dataDir, TEMPLATE_DIR, (copy) => DataFolder.writeName(copy, name)).catch(() => false);
  if (copied) {
    try {
      return await PGlite.create(dataDir);
    } catch {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  await DataFolder.writeName(dataDir, name);
  return PGlite.create(dataDir);
}

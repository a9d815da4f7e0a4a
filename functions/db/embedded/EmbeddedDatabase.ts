import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LockHeldError, lockForThisProcess } from './lockForThisProcess.js';
import { copyTemplate } from './pgliteTemplate.js';

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
    private readonly server: PGLiteSocketServer,
    private readonly release: () => Promise<void>,
  ) {}

  /** Opens (or creates) the database in `dataDir` and serves it on 127.0.0.1; refuses a folder another process holds. */
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
      // A first run starts from the template made at install: a copy, not an initdb. A copy that
      // does not open (a damaged template) is removed again, and PGlite creates the database itself.
      const copied = await copyTemplate(dataDir).catch(() => false);
      let db: PGlite;
      try {
        db = await PGlite.create(dataDir);
      } catch (error) {
        if (!copied) throw error;
        await rm(dataDir, { recursive: true, force: true });
        db = await PGlite.create(dataDir);
      }
      // The socket server multiplexes several client connections onto PGlite's single session.
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
      await server.start();
      return new EmbeddedDatabase(db, `postgresql://postgres@${server.getServerConn()}/postgres`, dataDir, server, release);
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

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DEFAULTS } from '../../config/defaults.js';
import { databaseConnection, type DatabaseConnection } from '../../db/databaseConnection.js';
import type { AgeIdentity } from '../encryption/readIdentityFile.js';
import { restoreBackup } from '../restore/restoreBackup.js';
import type { DumpFacts } from '../sql/DumpScanner.js';
import type { ScannedDump } from '../sql/scanDumpFile.js';
import { redumpServer } from './redumpServer.js';
import type { ScratchDatabase } from './ScratchDatabase.js';

const PREFIX = 'notes_verify_';
/** A scratch database this old with no session on it was left by a verify that was killed: it is dropped. */
const LEFTOVER_AFTER_MS = 3_600_000;

/**
 * A temporary database on the configured server (`notes_verify_<epoch seconds>_<random>`), created
 * for one restore and dropped after it, whatever happened. A verify killed mid-restore cannot drop its
 * own: the next one drops scratch databases over an hour old that nobody is connected to. Needs a
 * role that may create databases.
 */
export class ServerScratch implements ScratchDatabase {
  constructor(
    private readonly connection: DatabaseConnection,
    private readonly clock: () => Date = () => new Date(),
    /** The pg_dump that wrote the backups (`PG_DUMP_PATH`): the restored database is dumped again with it. */
    private readonly pgDumpPath: string = DEFAULTS.pgDumpPath,
  ) {}

  /** The scratch database being restored into, and the roles created for it: what `abandon` removes. */
  private current?: { name: string; server: string; roles: string[] };

  async restoreAndRedump(path: string, scanned?: ScannedDump, identity?: AgeIdentity): Promise<DumpFacts> {
    const name = `${PREFIX}${Math.floor(this.clock().getTime() / 1000)}_${randomBytes(4).toString('hex')}`;
    const server = serverUrl(this.connection);
    const into = new URL(server);
    into.pathname = `/${name}`;
    await this.dropLeftovers(server);
    this.current = { name, server, roles: [] };
    try {
      await restoreBackup({
        file: path,
        ...(scanned ? { scanned } : {}),
        ...(identity ? { identity } : {}),
        into: into.toString(),
        onRolesCreated: (roles) => this.current?.roles.push(...roles),
      });
      const libpq = this.connection.libpqEnvironment;
      return await redumpServer(databaseConnection({ ...libpq, DATABASE_URL: into.toString() }), this.pgDumpPath);
    } finally {
      await this.abandon();
    }
  }

  /**
   * Drops the scratch database being restored into (ending psql's session) and the roles created
   * for it: after each restore, and when verify is interrupted. A role another database uses stays.
   */
  async abandon(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    const admin = new pg.Client({ connectionString: current.server, connectionTimeoutMillis: 10_000 });
    try {
      await admin.connect();
      await admin.query(`drop database if exists "${current.name}" with (force)`);
      for (const role of current.roles) await admin.query(`drop role if exists "${role.replace(/"/g, '""')}"`).catch(() => undefined);
    } catch {
      // The next verify drops a leftover scratch database once it is an hour old.
    } finally {
      await admin.end().catch(() => undefined);
    }
  }

  private async dropLeftovers(server: string): Promise<void> {
    const admin = new pg.Client({ connectionString: server, connectionTimeoutMillis: 10_000 });
    try {
      await admin.connect();
      const { rows } = await admin.query<{ datname: string }>(
        `select datname from pg_database d
          where datname ~ '^${PREFIX}[0-9]+_[0-9a-f]+$'
            and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`,
      );
      const cutoff = (this.clock().getTime() - LEFTOVER_AFTER_MS) / 1000;
      for (const { datname } of rows) {
        if (Number(datname.slice(PREFIX.length).split('_')[0]) < cutoff) await admin.query(`drop database if exists "${datname}"`);
      }
    } catch {
      // Sweeping is a courtesy: the restore below reports a server that cannot be reached.
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
}

/**
 * The server's `postgres` database as a URL. A connection given by PG* variables gives a URL without
 * host, port or user (`postgresql:///postgres`): the same PG* variables then fill them in for pg and
 * for psql alike, a socket folder in PGHOST included.
 */
function serverUrl(connection: DatabaseConnection): string {
  const config = connection.clientConfig as { connectionString?: string };
  const url = new URL(config.connectionString ?? 'postgresql:///');
  url.pathname = '/postgres';
  return url.toString();
}

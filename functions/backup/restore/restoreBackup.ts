import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { databaseConnection, type DatabaseConnection, redactSecrets } from '../../db/databaseConnection.js';
import { DecryptionError } from '../encryption/DecryptionError.js';
import { identityNeeded, isEncryptedBackup } from '../encryption/identityNeeded.js';
import type { AgeIdentity } from '../encryption/readIdentityFile.js';
import { openDump } from '../sql/openDump.js';
import { prepareDump } from '../sql/prepareDump.js';
import { type ScannedDump, scanDumpFile } from '../sql/scanDumpFile.js';
import { createMissingRoles, prepareTarget, type PreparedTarget } from './prepareTarget.js';
import { restoreCheck } from './restoreCheck.js';
import { RestoreFailedError } from './RestoreFailedError.js';
import { runPsql } from './runPsql.js';
import { swapDatabase } from './swapDatabase.js';
import { connectTo, dropQuietly, withDatabase } from './targetServer.js';

export { RestoreFailedError } from './RestoreFailedError.js';

export interface RestoreOptions {
  /** The backup file (`.sql`, `.sql.gz`, or either encrypted: `.sql.age`, `.sql.gz.age`). */
  file: string;
  /** Opens an encrypted (`.age`) backup; without it one is refused (IDENTITY_NEEDED) before anything is touched. */
  identity?: AgeIdentity;
  /** The database to restore into: created when missing; refused when not empty unless `clean`. */
  into: string;
  /** Replace a non-empty target: the backup goes into a new database, which takes the target's place only once it holds the backup. */
  clean?: boolean;
  /** The database the service backs up: never restored over unless `clean` is given. */
  protectedConnection?: DatabaseConnection;
  psqlPath?: string;
  /** Hears the share of the file restored so far, 0 to 1. */
  onProgress?: (share: number) => void;
  /** Hears the roles created on the target server (NOLOGIN), as soon as they are created. */
  onRolesCreated?: (roles: string[]) => void;
  /** What the caller already read of the file (verify has): then it is not read a second time before the restore. */
  scanned?: ScannedDump;
  /** The sha256 recorded when the backup was written: a file that is no longer that one is refused (CHECKSUM_MISMATCH). */
  expectedSha256?: string;
  /** Stops the restore (Ctrl-C): psql is stopped, its transaction rolls back, and what this restore created is dropped. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface RestoreSummary {
  database: string;
  tables: number;
  rows: number;
  largeObjects: number;
  /** Rows per table, `schema.table` as pg_dump names them: as the dump holds them, and as the restored database was checked to hold. */
  rowsByTable: Record<string, number>;
  /** Roles the backup refers to that the target server lacked: created NOLOGIN. */
  createdRoles: string[];
  /** Settings of the dump's preamble the target server does not know (e.g. PostgreSQL 17's `transaction_timeout` on 15): left out. */
  skippedSettings: string[];
  /** With --clean over an existing database: it was replaced (its old contents dropped). */
  replaced: boolean;
  /** With --clean: the database replaced could not be dropped (a subscription in it): kept under this name, and why. */
  keptAs?: string;
  keptBecause?: string;
  /** With --clean: databases an earlier, killed --clean of this target had left (dropped first). */
  droppedLeftovers: string[];
  durationMs: number;
}

/**
 * Restores one backup into a database with psql, all or nothing: one transaction that stops at the
 * first error and ends by checking that every table holds the rows the backup holds. The dump's bytes
 * go to psql unchanged but for the preamble settings the server lacks. A file pg_dump did not finish
 * is refused before anything is touched. The target is prepared first: created when missing (in the
 * backup's encoding), the roles the dump refers to created NOLOGIN (a brand-new server has none of the
 * original's). With `clean`, an existing target is replaced only after the restore succeeded; a failed
 * one leaves it exactly as it was.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const target = checkTarget(options, env);
  const database = target.database;
  if (isEncryptedBackup(options.file) && !options.identity) throw identityNeeded(options.file);
  const { facts, problem, sha256, decryption } = options.scanned ?? (await scanDumpFile(options.file, options.identity));
  if (options.expectedSha256 && sha256 !== options.expectedSha256) {
    throw new RestoreFailedError(
      `${options.file} is not the file that was written (sha256 recorded ${options.expectedSha256}, now ${sha256}): not restored; ` +
        'npm run -s db-backup -- verify says more, and the manual psql recipe in docs/restore-and-verify.md restores it anyway',
      { code: 'CHECKSUM_MISMATCH' },
    );
  }
  // A wrong identity or a damaged encrypted file: found in the read above, before anything is touched.
  if (decryption) {
    throw new DecryptionError(decryption.code as DecryptionCode, `${options.file}: ${decryption.message}: not restored, nothing changed`, {
      cause: decryption,
    });
  }
  if (problem) {
    throw new RestoreFailedError(
      `${options.file} cannot be read whole (${problem.replace(/^it cannot be read whole: /, '')}): not restored`,
      {
        code: 'INCOMPLETE_BACKUP',
      },
    );
  }
  if (!facts.isPgDump) {
    throw new RestoreFailedError(`${options.file} is not a plain pg_dump backup (no "-- PostgreSQL database dump" header)`, {
      code: 'NOT_A_BACKUP',
    });
  }
  if (!facts.complete) {
    throw new RestoreFailedError(
      `${options.file} is not a complete backup (it does not end with pg_dump's completion marker: cut short after line ${facts.lines}): not restored`,
      { code: 'INCOMPLETE_BACKUP' },
    );
  }
  const adminUrl = withDatabase(options.into, 'postgres');
  const admin = await connectTo(adminUrl, target);
  let prepared: PreparedTarget | undefined;
  let createdRoles: string[] = [];
  let known: Set<string>;
  let swapped: Awaited<ReturnType<typeof swapDatabase>> = {};
  try {
    prepared = await prepareTarget(admin, target, options.into, { clean: options.clean, encoding: facts.encoding });
    createdRoles = await createMissingRoles(admin, facts.roles);
    if (createdRoles.length > 0) options.onRolesCreated?.(createdRoles);
    known = new Set((await admin.query<{ name: string }>('select name from pg_settings')).rows.map((row) => row.name));
  } catch (error) {
    await admin.end().catch(() => undefined);
    if (prepared?.created) await dropQuietly(adminUrl, prepared.restoreInto, target);
    if (error instanceof RestoreFailedError) throw error;
    throw new RestoreFailedError(`the target server refused to prepare the restore: ${redactSecrets((error as Error).message, target)}`, {
      cause: error,
      code: 'TARGET_REFUSED',
    });
  }
  try {
    const size = (await stat(options.file)).size;
    let read = 0;
    let lastShare = -1;
    // pipeline, not pipe: a read that fails part-way (the file changed since it was checked) ends psql's input with the error.
    const sql = pipeline(
      openDump(options.file, {
        onFileBytes: (chunk) => {
          read += chunk.length;
          const share = Math.floor((read / size) * 100);
          if (share !== lastShare) options.onProgress?.(share / 100);
          lastShare = share;
        },
        ...(options.identity ? { identity: options.identity } : {}),
      }),
      prepareDump({ knownSettings: known }),
      () => undefined,
    );
    const restoreInto = databaseConnection({ ...libpqOf(env), DATABASE_URL: withDatabase(options.into, prepared.restoreInto) });
    await runPsql(sql, restoreCheck(facts), restoreInto, { psqlPath: options.psqlPath, env, signal: options.signal });
    if (prepared.replaces) swapped = await swapDatabase(admin, prepared.restoreInto, prepared.replaces);
  } catch (error) {
    // A database this restore created is not left behind half-made (the transaction left it empty).
    if (prepared.created)
      await admin.query(`drop database if exists "${prepared.restoreInto.replace(/"/g, '""')}" with (force)`).catch(() => undefined);
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const tables = Object.keys(facts.rows).length;
  return {
    database,
    tables,
    rows: Object.values(facts.rows).reduce((sum, n) => sum + n, 0),
    largeObjects: facts.largeObjects,
    rowsByTable: facts.rows,
    createdRoles,
    skippedSettings: facts.settings.filter((name) => !known.has(name)),
    replaced: prepared.replaces !== undefined,
    ...swapped,
    droppedLeftovers: prepared.droppedLeftovers,
    durationMs: Math.round(performance.now() - started),
  };
}

type DecryptionCode = ConstructorParameters<typeof DecryptionError>[0];

/** The PG* variables apply to psql as they do to pg (which reads them from the process itself). */
const libpqOf = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter(([name]) => /^PG[A-Z]+$/.test(name)));

/** Never restored into: `postgres` (the maintenance database) and the templates every new database copies. */
const MAINTENANCE_DATABASES = ['postgres', 'template0', 'template1'];

/** The target as a connection, refused when it names no database, a maintenance one, or the service's own without `clean`. */
function checkTarget(options: RestoreOptions, env: NodeJS.ProcessEnv): DatabaseConnection {
  let target: DatabaseConnection;
  try {
    target = databaseConnection({ ...libpqOf(env), DATABASE_URL: options.into });
  } catch (error) {
    throw new RestoreFailedError(`--into: ${(error as Error).message.replace(/^DATABASE_URL:? ?/, '')}`, {
      code: 'INVALID_TARGET',
    });
  }
  if (!new URL(options.into).pathname.slice(1)) {
    throw new RestoreFailedError('name the database to restore into: --into postgresql://<user>@<host>:<port>/<database>', {
      code: 'INVALID_TARGET',
    });
  }
  if (MAINTENANCE_DATABASES.includes(target.database)) {
    throw new RestoreFailedError(
      `never restores into ${target.database}: it is the server's maintenance or template database (every database created later would copy a template); name another`,
      { code: 'INVALID_TARGET' },
    );
  }
  if (!options.clean && options.protectedConnection && sameDatabase(target, options.protectedConnection)) {
    throw new RestoreFailedError(
      `${target.description} is the database this service backs up: restoring over it needs --clean (which replaces it once the backup restored)`,
      { code: 'PROTECTED_DATABASE' },
    );
  }
  return target;
}

/** Whether two connections name the same database of the same server; this machine's names for itself (localhost, 127.0.0.1, ::1, a socket) count as one. */
function sameDatabase(a: DatabaseConnection, b: DatabaseConnection): boolean {
  const local = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
  const where = (c: DatabaseConnection) => {
    const config = c.clientConfig as { host?: string; port?: number; connectionString?: string };
    const url = config.connectionString ? new URL(config.connectionString) : undefined;
    const host = url?.hostname || config.host || 'localhost';
    return `${local.has(host) || host.startsWith('/') ? 'this machine' : host}:${url?.port || config.port || 5432}/${c.database}`;
  };
  return where(a) === where(b);
}

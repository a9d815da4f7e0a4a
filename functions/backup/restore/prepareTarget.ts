import type pg from 'pg';
import type { DatabaseConnection } from '../../db/databaseConnection.js';
import { jsonLogger, type Logger } from '../../log/Logger.js';
import { copyDatabaseProperties } from './copyDatabaseProperties.js';
import { dropLeftovers } from './dropLeftovers.js';
import { RestoreFailedError } from './RestoreFailedError.js';
import { sideDatabaseName } from './sideDatabaseName.js';
import { targetContents } from './targetContents.js';
import { connectTo, quoteIdent } from './targetServer.js';

/** Where the dump goes: the target itself, or (with --clean over an existing one) a new database swapped in after. */
export interface PreparedTarget {
  /** The database psql restores into. */
  restoreInto: string;
  /** The restore created `restoreInto`: it is dropped again when the restore fails. */
  created: boolean;
  /** `restoreInto` replaces the target once it holds the backup (--clean over an existing database). */
  replaces?: string;
  /** Side databases of earlier --clean runs of this target that were killed part-way: dropped first. */
  droppedLeftovers: string[];
}

type Like = { encoding: string; collate: string; ctype: string; owner: string };

/**
 * Makes the database the dump is restored into, with the dump's encoding (a LATIN1 or SQL_ASCII
 * backup needs a database of its own encoding to come back byte for byte; one the server's locale does
 * not fit gets the C locale). A missing target is created; an empty one is used as it is; a non-empty one
 * is refused unless `clean`, which restores into a new database that replaces it only after success.
 * That database belongs to the target's owner and has its settings, ACL, comment and connection limit;
 * side databases an earlier --clean of the target left behind (killed part-way) are dropped first.
 */
export async function prepareTarget(
  admin: pg.Client,
  target: DatabaseConnection,
  into: string,
  options: { clean?: boolean; encoding?: string; logger?: Logger },
): Promise<PreparedTarget> {
  const database = target.database;
  const existing = await admin.query<Like>(
    `select pg_encoding_to_char(encoding) as encoding, datcollate as collate, datctype as ctype, pg_get_userbyid(datdba) as owner
       from pg_database where datname = $1`,
    [database],
  );
  const found = existing.rows[0];
  if (found && options.clean) {
    const droppedLeftovers = await dropLeftovers(admin, database, options.logger ?? jsonLogger());
    const staging = sideDatabaseName(database, 'restoring');
    await createDatabase(admin, staging, options.encoding, found);
    try {
      await copyDatabaseProperties(admin, database, staging);
    } catch (error) {
      await admin.query(`drop database if exists ${quoteIdent(staging)}`).catch(() => undefined);
      throw error;
    }
    return { restoreInto: staging, created: true, replaces: database, droppedLeftovers };
  }
  if (found) {
    const contents = await contentsOf(into, target);
    if (Object.keys(contents).length > 0) {
      const held = Object.entries(contents).map(([kind, count]) => `${count} ${kind}`);
      throw new RestoreFailedError(
        `${target.description} is not empty (it holds ${held.join(', ')}): restore into a new or empty database, or give --clean to replace it`,
        {
          code: 'TARGET_NOT_EMPTY',
        },
      );
    }
    return { restoreInto: database, created: false, droppedLeftovers: [] };
  }
  await createDatabase(admin, database, options.encoding);
  return { restoreInto: database, created: true, droppedLeftovers: [] };
}

async function createDatabase(admin: pg.Client, name: string, encoding: string | undefined, like?: Like): Promise<void> {
  const serverEncoding = (
    await admin.query<{ encoding: string }>(`select pg_encoding_to_char(encoding) as encoding from pg_database where datname = 'template0'`)
  ).rows[0]?.encoding;
  const wanted = encoding ?? like?.encoding ?? serverEncoding;
  // The database replaced keeps its locale when its encoding is the backup's; another encoding than the server's gets C.
  const locale =
    like && like.encoding === wanted
      ? ` lc_collate '${like.collate.replace(/'/g, "''")}' lc_ctype '${like.ctype.replace(/'/g, "''")}'`
      : wanted !== serverEncoding
        ? ` locale 'C'`
        : '';
  // The replacement belongs to the replaced database's owner (on 15, so does its public schema).
  const owner = like ? ` owner ${quoteIdent(like.owner)}` : '';
  // From template0: a template1 someone added objects to never reaches it.
  const create = `create database ${quoteIdent(name)}${owner} template template0 encoding '${wanted!.replace(/'/g, "''")}'${locale}`;
  try {
    await admin.query(create);
  } catch (error) {
    if (!like || (error as { code?: string }).code !== '42501') throw error;
    const { rows } = await admin.query<{ role: string }>('select current_user as role');
    throw new RestoreFailedError(
      `--clean makes the new database owned by "${like.owner}", the owner of the one it replaces, and the restoring role "${rows[0]!.role}" may not (${(error as Error).message}): restore as "${like.owner}", a member of it or a superuser`,
      { cause: error, code: 'NOT_PERMITTED' },
    );
  }
}

/** The objects the database holds, by kind (none: it is empty). */
async function contentsOf(into: string, target: DatabaseConnection): Promise<Record<string, number>> {
  const client = await connectTo(into, target);
  try {
    return await targetContents(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates NOLOGIN each role the dump refers to that the server lacks; returns their names. */
export async function createMissingRoles(admin: pg.Client, roles: string[]): Promise<string[]> {
  const existing = new Set((await admin.query<{ rolname: string }>('select rolname from pg_roles')).rows.map((row) => row.rolname));
  const missing = roles.filter((role) => !existing.has(role));
  for (const role of missing) {
    try {
      await admin.query(`create role ${quoteIdent(role)} nologin`);
    } catch (error) {
      throw new RestoreFailedError(
        `the backup refers to role "${role}", which the target server lacks, and this user may not create it (${(error as Error).message}): create it first`,
        { cause: error },
      );
    }
  }
  return missing;
}

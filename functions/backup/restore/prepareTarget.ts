import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { DatabaseConnection } from '../../db/databaseConnection.js';
import { connectTo, quoteIdent } from './targetServer.js';
import { RestoreFailedError } from './RestoreFailedError.js';

/** Where the dump goes: the target itself, or (with --clean over an existing one) a new database swapped in after. */
export interface PreparedTarget {
  /** The database psql restores into. */
  restoreInto: string;
  /** The restore created `restoreInto`: it is dropped again when the restore fails. */
  created: boolean;
  /** `restoreInto` replaces the target once it holds the backup (--clean over an existing database). */
  replaces?: string;
}

/**
 * Makes the database the dump is restored into, with the dump's encoding (a LATIN1 or SQL_ASCII
 * backup needs a database of its own encoding to come back byte for byte; one the server's locale does
 * not fit gets the C locale). A missing target is created; an empty one is used as it is; a non-empty one
 * is refused unless `clean`, which restores into a new database that replaces it only after success.
 */
export async function prepareTarget(
  admin: pg.Client,
  target: DatabaseConnection,
  into: string,
  options: { clean?: boolean; encoding?: string },
): Promise<PreparedTarget> {
  const database = target.database;
  const existing = await admin.query<{ encoding: string; collate: string; ctype: string }>(
    `select pg_encoding_to_char(encoding) as encoding, datcollate as collate, datctype as ctype from pg_database where datname = $1`,
    [database],
  );
  const found = existing.rows[0];
  if (found && options.clean) {
    const staging = `${database.slice(0, 40)}__restoring_${randomBytes(4).toString('hex')}`;
    await createDatabase(admin, staging, options.encoding, found);
    return { restoreInto: staging, created: true, replaces: database };
  }
  if (found) {
    if (!(await isEmpty(into, target))) {
      throw new RestoreFailedError(
        `${target.description} is not empty: restore into a new or empty database, or give --clean to replace it`,
        {
          status: 400,
          code: 'TARGET_NOT_EMPTY',
        },
      );
    }
    return { restoreInto: database, created: false };
  }
  await createDatabase(admin, database, options.encoding);
  return { restoreInto: database, created: true };
}

async function createDatabase(
  admin: pg.Client,
  name: string,
  encoding: string | undefined,
  like?: { encoding: string; collate: string; ctype: string },
): Promise<void> {
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
  // From template0: a template1 someone added objects to never reaches it.
  await admin.query(`create database ${quoteIdent(name)} template template0 encoding '${wanted!.replace(/'/g, "''")}'${locale}`);
}

/** No relation outside the system schemas and no large object. */
async function isEmpty(into: string, target: DatabaseConnection): Promise<boolean> {
  const client = await connectTo(into, target);
  try {
    const { rows } = await client.query<{ objects: number }>(
      `select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
                  and n.nspname not like 'pg_temp%')::int
            + (select count(*) from pg_largeobject_metadata)::int as objects`,
    );
    return rows[0]!.objects === 0;
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

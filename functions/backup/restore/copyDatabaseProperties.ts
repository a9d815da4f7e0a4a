import type pg from 'pg';
import { RestoreFailedError } from './RestoreFailedError.js';
import { quoteIdent } from './targetServer.js';

/** Settings whose value is a list of quoted items (pg_dump's `variable_is_guc_list_quote`): set item by item. */
const LIST_SETTINGS = new Set([
  'local_preload_libraries',
  'search_path',
  'session_preload_libraries',
  'shared_preload_libraries',
  'temp_tablespaces',
  'unix_socket_directories',
]);

/**
 * Gives database `to` the properties of database `from` that live outside it, which a dump without
 * --create leaves out: its `ALTER DATABASE … SET` and `ALTER ROLE … IN DATABASE … SET` settings, its
 * ACL (a `REVOKE CONNECT … FROM PUBLIC` included; grantors aside), its comment and connection limit.
 * Its owner is given when `to` is created. Throws a RestoreFailedError naming what this role may not copy.
 */
export async function copyDatabaseProperties(admin: pg.Client, from: string, to: string): Promise<void> {
  const database = quoteIdent(to);
  const statements: string[] = [];
  const { rows: settings } = await admin.query<{ role: string | null; config: string[] }>(
    `select r.rolname as role, s.setconfig as config from pg_db_role_setting s
       join pg_database d on d.oid = s.setdatabase left join pg_roles r on r.oid = s.setrole
      where d.datname = $1 order by r.rolname nulls first`,
    [from],
  );
  for (const { role, config } of settings) {
    const alter = role === null ? `alter database ${database}` : `alter role ${quoteIdent(role)} in database ${database}`;
    for (const entry of config) statements.push(`${alter} set ${setting(admin, entry)}`);
  }
  const { rows } = await admin.query<{ owner: string; acl: boolean; connlimit: number; comment: string | null }>(
    `select pg_get_userbyid(datdba) as owner, datacl is not null as acl, datconnlimit as connlimit,
            shobj_description(oid, 'pg_database') as comment
       from pg_database where datname = $1`,
    [from],
  );
  const found = rows[0]!;
  if (found.acl) {
    // An explicit ACL replaces the default one (the owner's and PUBLIC's) as a whole.
    statements.push(`revoke all on database ${database} from public`, `revoke all on database ${database} from ${quoteIdent(found.owner)}`);
    const { rows: grants } = await admin.query<{ grantee: string | null; privilege: string; grantable: boolean }>(
      `select case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end as grantee,
              a.privilege_type as privilege, a.is_grantable as grantable
         from pg_database d, aclexplode(d.datacl) a where d.datname = $1`,
      [from],
    );
    for (const { grantee, privilege, grantable } of grants) {
      const to = grantee === null ? 'public' : quoteIdent(grantee);
      statements.push(`grant ${privilege} on database ${database} to ${to}${grantable ? ' with grant option' : ''}`);
    }
  }
  if (found.comment !== null) statements.push(`comment on database ${database} is ${admin.escapeLiteral(found.comment)}`);
  if (found.connlimit !== -1) statements.push(`alter database ${database} connection limit ${found.connlimit}`);
  for (const statement of statements) {
    try {
      await admin.query(statement);
    } catch (error) {
      throw new RestoreFailedError(
        `cannot give the restored database the properties of ${from} (${statement}): ${(error as Error).message}; restore as its owner or a superuser`,
        { cause: error, code: 'TARGET_REFUSED' },
      );
    }
  }
}

/** `name to value` for one `name=value` entry of setconfig, the value quoted as pg_dump quotes it. */
function setting(admin: pg.Client, entry: string): string {
  const at = entry.indexOf('=');
  const name = entry.slice(0, at);
  const value = entry.slice(at + 1);
  const items = LIST_SETTINGS.has(name.toLowerCase()) ? splitList(value) : [value];
  return `${quoteIdent(name)} to ${items.map((item) => admin.escapeLiteral(item)).join(', ')}`;
}

/** The items of a list setting as PostgreSQL stores it (`"$user", public`): commas between, double quotes around some. */
function splitList(value: string): string[] {
  const items: string[] = [];
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/gy;
  for (let match = pattern.exec(value); match && match[0] !== ''; match = pattern.exec(value)) {
    items.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!);
  }
  return items;
}

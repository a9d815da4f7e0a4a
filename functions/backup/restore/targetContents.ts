import type pg from 'pg';

/** Schemas every database has: their contents are the server's, not a user's. */
const USER_NAMESPACE = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
  and n.nspname not like 'pg\\_temp\\_%'`;

/**
 * What makes a database not empty, one row per kind of object: anything a restore would mix with the
 * backup's objects or that would change them (default privileges make restored tables writable by whoever set them).
 */
const CONTENT_KINDS: { kind: string; count: string }[] = [
  {
    kind: 'relations',
    count: `select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${USER_NAMESPACE}`,
  },
  { kind: 'large objects', count: 'select count(*) from pg_largeobject_metadata' },
  {
    // public as a new database has it (owned by pg_database_owner, or the bootstrap superuser before 15; default grants) does not count.
    kind: 'schemas',
    count: `select count(*) from pg_namespace n where ${USER_NAMESPACE} and not (n.nspname = 'public'
              and n.nspowner in ('pg_database_owner'::regrole, 10)
              and coalesce(obj_description(n.oid, 'pg_namespace'), '') = 'standard public schema'
              and not exists (select from aclexplode(n.nspacl) a where not (a.grantee = n.nspowner
                or (a.grantee = 0 and (a.privilege_type = 'USAGE' or n.nspowner = 10)))))`,
  },
  {
    kind: 'functions',
    count: `select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${USER_NAMESPACE}`,
  },
  {
    // Array types and the row types of relations come with another object, counted there.
    kind: 'types',
    count: `select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace where ${USER_NAMESPACE}
              and t.typrelid = 0 and not exists (select from pg_type e where e.typarray = t.oid)`,
  },
  { kind: 'default privileges', count: 'select count(*) from pg_default_acl' },
  { kind: 'extensions', count: `select count(*) from pg_extension where extname <> 'plpgsql'` },
  { kind: 'event triggers', count: 'select count(*) from pg_event_trigger' },
  { kind: 'publications', count: 'select count(*) from pg_publication' },
  {
    kind: 'subscriptions',
    count: 'select count(*) from pg_subscription where subdbid = (select oid from pg_database where datname = current_database())',
  },
];

/** How many objects of each kind the database `client` is connected to holds; the kinds it holds none of are left out. */
export async function targetContents(client: pg.Client): Promise<Record<string, number>> {
  const select = CONTENT_KINDS.map(({ count }, index) => `(${count})::int as k${index}`).join(',\n');
  const { rows } = await client.query<Record<string, number>>(`select ${select}`);
  const counts: Record<string, number> = {};
  CONTENT_KINDS.forEach(({ kind }, index) => {
    const found = rows[0]![`k${index}`]!;
    if (found > 0) counts[kind] = found;
  });
  return counts;
}

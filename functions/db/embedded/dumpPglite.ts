import type { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';

/**
 * Runs the WASM pg_dump of `@electric-sql/pglite-tools` on a PGlite database and returns the dump
 * (built in memory). pg_dump runs on PGlite's one session and leaves its read-only snapshot
 * transaction open there: every later query would be read-only and new socket clients would wait
 * forever. So this ends that transaction and gives the session back its search_path.
 */
export async function dumpPglite(db: PGlite, args: string[] = []): Promise<Buffer> {
  const searchPath = (await db.query<{ search_path: string }>('SHOW search_path')).rows[0]!.search_path;
  try {
    return Buffer.from(await (await pgDump({ pg: db, args })).arrayBuffer());
  } finally {
    if (db.isInTransaction()) await db.exec('ROLLBACK');
    await db.exec(`SET search_path TO ${searchPath}`);
  }
}

import { PGlite } from '@electric-sql/pglite';
import { dumpLines, scanDump } from '../restore/scanDump.js';
import { type DumpContents, RowCounter } from './RowCounter.js';

/** Rows of a COPY block loaded at a time. */
const COPY_SLICE_ROWS = 20_000;
import type { ScratchDatabase } from './ScratchDatabase.js';

/**
 * A fresh in-memory PGlite for one restore, when no PostgreSQL server is configured (the embedded
 * database of `npm start`). The dump is run statement block by statement block in one transaction;
 * each `COPY … FROM stdin` block is loaded through PGlite's `/dev/blob`; psql's own meta-commands
 * (`\restrict`, `\connect`) are psql's, not SQL, and are left out.
 */
export class PgliteScratch implements ScratchDatabase {
  async restore(path: string): Promise<DumpContents> {
    const scan = await scanDump(dumpLines(path));
    const db = await PGlite.create();
    try {
      // As a restore onto a brand-new server: the roles the dump refers to exist (NOLOGIN), settings
      // this PostgreSQL does not know are left out.
      const roles = new Set((await db.query<{ rolname: string }>('select rolname from pg_roles')).rows.map((row) => row.rolname));
      for (const role of scan.roles.filter((name) => !roles.has(name))) await db.exec(`create role "${role.replace(/"/g, '""')}" nologin`);
      const known = new Set((await db.query<{ name: string }>('select name from pg_settings')).rows.map((row) => row.name));
      await db.exec('begin');
      let sql: string[] = [];
      let sqlFrom = 1;
      let copy: { statement: string; line: number; rows: string[] } | undefined;
      let number = 0;
      const kinds = new RowCounter();
      const run = async () => {
        if (sql.some((line) => line.trim() && !line.startsWith('--'))) {
          await db.exec(sql.join('\n')).catch((error: Error) => {
            throw new Error(`the SQL from line ${sqlFrom}: ${error.message}`);
          });
        }
        sql = [];
        sqlFrom = number + 1;
      };
      // A COPY block is loaded in slices, so a large table never sits in memory whole.
      const load = async () => {
        const { statement, line, rows } = copy!;
        if (rows.length === 0) return;
        copy!.rows = [];
        await db.query(statement, [], { blob: new Blob([`${rows.join('\n')}\n`]) }).catch((error: Error) => {
          throw new Error(`the COPY at line ${line}: ${error.message}`);
        });
      };
      for await (const line of dumpLines(path)) {
        number++;
        const kind = kinds.line(line);
        if (kind === 'copy') {
          await run();
          copy = { statement: line.replace(/FROM stdin;$/, "FROM '/dev/blob';"), line: number, rows: [] };
        } else if (kind === 'data' && copy) {
          if (line === '\\.') {
            await load();
            copy = undefined;
            sqlFrom = number + 1;
          } else {
            copy.rows.push(line);
            if (copy.rows.length >= COPY_SLICE_ROWS) await load();
          }
        } else {
          const set = kind === 'sql' ? /^SET ([a-z_.]+) = /.exec(line) : null;
          sql.push(kind === 'sql' && (line.startsWith('\\') || (set && !known.has(set[1]!))) ? `-- ${line}` : line);
        }
      }
      await run();
      await db.exec('commit');
      return await contentsOf(db);
    } finally {
      await db.close();
    }
  }
}

async function contentsOf(db: PGlite): Promise<DumpContents> {
  const { rows: tables } = await db.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`,
  );
  const rows: Record<string, number> = {};
  for (const { name } of tables) rows[name] = (await db.query<{ n: number }>(`select count(*)::int as n from ${name}`)).rows[0]!.n;
  const largeObjects = (await db.query<{ n: number }>('select count(*)::int as n from pg_largeobject_metadata')).rows[0]!.n;
  return { rows, largeObjects };
}

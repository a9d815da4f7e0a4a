import { execFileSync } from 'node:child_process';
import pg from 'pg';

/** The schema as pg_dump prints it, without the lines that differ between any two dumps. */
export function schemaOf(url: string): string {
  return execFileSync('pg_dump', ['--schema-only', '--no-password', `--dbname=${url}`], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => !line.startsWith('\\restrict') && !line.startsWith('\\unrestrict') && !line.startsWith('-- Dumped'))
    .join('\n');
}

/**
 * Every row of every table, found by walking the catalog (so new tables are covered without a change
 * here): `schema.table` → the rows as sorted JSON texts.
 */
export async function rowsOf(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(`
      select format('%I.%I', table_schema, table_name) as name from information_schema.tables
       where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
       order by 1`);
    const result: Record<string, string[]> = {};
    for (const { name } of tables) {
      const { rows } = await client.query<{ row: string }>(`select to_jsonb(t)::text as row from ${name} t order by 1`);
      result[name] = rows.map((r) => r.row);
    }
    return result;
  } finally {
    await client.end();
  }
}

/** Restores a plain SQL backup into `url` with the real psql, stopping at the first error. */
export function restoreWithPsql(backupPath: string, url: string): void {
  execFileSync('psql', ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--dbname', url, '-f', backupPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

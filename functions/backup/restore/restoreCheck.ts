import type { DumpFacts } from '../sql/DumpScanner.js';

/** The check's errors start with this, so that a failed check is told apart from a failed statement. */
export const CHECK_PREFIX = 'restore check:';

/**
 * SQL that psql runs after the dump, in its transaction: it raises (so nothing is committed) unless
 * every table holds exactly the rows the dump holds and the database the dump's large objects. Table
 * names are the dump's own bytes, read under the dump's own client_encoding; `ONLY` leaves out
 * inheritance children, which the dump fills on their own.
 */
export function restoreCheck(facts: Pick<DumpFacts, 'rows' | 'rawNames' | 'largeObjects'>): Buffer {
  const literal = (latin1: string) => `'${latin1.replace(/'/g, "''")}'`;
  const tables = Object.entries(facts.rows).map(([name, rows]) => {
    const raw = facts.rawNames[name] ?? name;
    return (
      `  select count(*) into n from only ${raw};\n` +
      `  if n <> ${rows} then raise exception '${CHECK_PREFIX} table % holds % rows, the backup ${rows}', ${literal(raw)}, n; end if;\n`
    );
  });
  const largeObjects =
    `  select count(*) into n from pg_catalog.pg_largeobject_metadata;\n` +
    `  if n <> ${facts.largeObjects} then raise exception '${CHECK_PREFIX} % large objects, the backup ${facts.largeObjects}', n; end if;\n`;
  const sql = `\nDO $restore_check$\nDECLARE n bigint;\nBEGIN\n${tables.join('')}${largeObjects}END\n$restore_check$;\n`;
  return Buffer.from(sql, 'latin1');
}

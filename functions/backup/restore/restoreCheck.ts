import { randomBytes } from 'node:crypto';
import type { DumpFacts } from '../sql/DumpScanner.js';

/** The check's errors start with this, so that a failed check is told apart from a failed statement. */
export const CHECK_PREFIX = 'restore check:';

/**
 * SQL that psql runs after the dump, in its transaction: it raises (so nothing is committed) unless
 * every table holds exactly the rows the dump holds and the database the dump's large objects. Table
 * names are the dump's own bytes, read under the dump's own client_encoding; `ONLY` leaves out
 * inheritance children, which the dump fills on their own. The body's dollar quote has a random tag,
 * drawn again while any table name holds it (a table named `x$restore_check$y` must not close it).
 */
export function restoreCheck(
  facts: Pick<DumpFacts, 'rows' | 'rawNames' | 'largeObjects'>,
  randomHex: () => string = () => randomBytes(8).toString('hex'),
): Buffer {
  const literal = (latin1: string) => `'${latin1.replace(/'/g, "''")}'`;
  const rawNames = Object.keys(facts.rows).map((name) => facts.rawNames[name] ?? name);
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
  let tag: string;
  do tag = `$restore_check_${randomHex()}$`;
  while (rawNames.some((raw) => raw.includes(tag)));
  const sql = `\nDO ${tag}\nDECLARE n bigint;\nBEGIN\n${tables.join('')}${largeObjects}END\n${tag};\n`;
  return Buffer.from(sql, 'latin1');
}

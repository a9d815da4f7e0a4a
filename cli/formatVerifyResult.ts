import type { VerifyResult } from '../functions/backup/verify/verifyBackup.js';
import { counted } from './counted.js';

/** One line per verified backup: `ok`, `FAILED` or `UNVERIFIED` (also an encrypted one checked without --identity), its path (or URL), what was proven or what differs. */
export function formatVerifyResult(result: VerifyResult): string {
  if (result.sealed && result.ok)
    return `UNVERIFIED  ${result.path}: sha256 as recorded; its contents not checked (encrypted; give --identity to check its contents)`;
  if (result.unverified) return `UNVERIFIED  ${result.path}: ${result.problems.join('; ')}`;
  if (!result.ok) return `FAILED  ${result.path}: ${result.problems.join('; ')}`;
  const { tables, rows, largeObjects } = result.restored!;
  const proof = {
    everything: 'restored and dumped again: the same bytes',
    data: 'restored and dumped again: the same table data and sequences (its schema, worded by another pg_dump version, not compared)',
    rows: "restored: the same rows per table (not byte for byte: this scratch database's pg_dump writes rows another way than the backup's; verify an embedded backup with no server configured, a server's with DATABASE_URL)",
  }[result.proved ?? 'rows'];
  return (
    `ok      ${result.path}: sha256 as recorded; ${proof}; ${counted(tables, 'table')}, ${counted(rows, 'row')}, ` +
    `${counted(largeObjects, 'large object')} (${(result.durationMs / 1000).toFixed(1)} s)`
  );
}

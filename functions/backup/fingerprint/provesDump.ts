import { compareFingerprints } from './compareFingerprints.js';
import { type DatabaseFingerprint, transactionsInProgress } from './DatabaseFingerprint.js';

/**
 * Why a dump taken between reading `before` and `after` may lack a write that had committed by
 * `after`, or undefined when it cannot: nothing was running at `before`, and nothing ended and no
 * sequence moved until `after` (docs/instant-backups.md, "The race"). Pure.
 */
export function dumpProofGap(before: DatabaseFingerprint, after: DatabaseFingerprint): string | undefined {
  const running = transactionsInProgress(before);
  if (running) return `before the dump: ${running}`;
  const differences = compareFingerprints(before, after);
  return differences.length > 0 ? `changed during the dump: ${differences.join('; ')}` : undefined;
}

/** True only when the dump made between `before` and `after` holds the database's state as of `after`. Pure. */
export function provesDump(before: DatabaseFingerprint, after: DatabaseFingerprint): boolean {
  return dumpProofGap(before, after) === undefined;
}

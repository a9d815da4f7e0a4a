import type { DatabaseFingerprint, SequenceState } from './DatabaseFingerprint.js';

/** One row per part of the fingerprint that is a single value: its name in messages and how to read it. */
const SCALAR_PARTS: [name: string, read: (fingerprint: DatabaseFingerprint) => string][] = [
  ['system identifier', (f) => String(f.systemIdentifier)],
  ['timeline', (f) => String(f.timeline)],
  ['database oid', (f) => String(f.databaseOid)],
  ['server_version_num', (f) => String(f.serverVersionNum)],
  ['nextXid', (f) => String(f.nextXid)],
  ['running transactions', (f) => `[${f.runningXids.join(', ')}]`],
  ['transaction id locks', (f) => String(f.xidLocks)],
];

/**
 * Every way `after` differs from `before`, one line each for a log ("nextXid moved 3521 → 3523",
 * "sequence public.notes_id_seq 3 → 4"); empty when they are the same state. Either side being
 * uncertain is a difference: an uncertain fingerprint never matches. Pure.
 */
export function compareFingerprints(before: DatabaseFingerprint, after: DatabaseFingerprint): string[] {
  const reasons = [...before.uncertain, ...after.uncertain.filter((reason) => !before.uncertain.includes(reason))].map(
    (reason) => `uncertain: ${reason}`,
  );
  for (const [name, read] of SCALAR_PARTS) {
    if (read(before) !== read(after)) reasons.push(`${name} moved ${read(before)} → ${read(after)}`);
  }
  const afterByOid = new Map(after.sequences.map((sequence) => [sequence.oid, sequence]));
  for (const old of before.sequences) {
    const now = afterByOid.get(old.oid);
    if (!now) reasons.push(`sequence ${old.name} dropped`);
    else if (old.name !== now.name) reasons.push(`sequence ${old.name} renamed to ${now.name}`);
    else if (state(old) !== state(now)) reasons.push(`sequence ${old.name} ${state(old)} → ${state(now)}`);
  }
  const beforeOids = new Set(before.sequences.map((sequence) => sequence.oid));
  for (const added of after.sequences.filter((sequence) => !beforeOids.has(sequence.oid))) reasons.push(`sequence ${added.name} created`);
  const sizes = (fingerprint: DatabaseFingerprint) =>
    fingerprint.unloggedTables.map((table) => `${table.name} ${table.bytes} bytes`).join(', ');
  if (sizes(before) !== sizes(after)) reasons.push(`unlogged tables [${sizes(before)}] → [${sizes(after)}]`);
  return reasons;
}

/** Whether the two fingerprints show the same, certain state of the database. Pure. */
export function sameState(a: DatabaseFingerprint, b: DatabaseFingerprint): boolean {
  return compareFingerprints(a, b).length === 0;
}

/** A sequence's state as pg_dump writes it: `setval(…, 4, true)` reads "4"; not yet called, "4 (not called)". */
function state(sequence: SequenceState): string {
  if (sequence.lastValue === undefined) return 'unreadable';
  return sequence.isCalled ? String(sequence.lastValue) : `${sequence.lastValue} (not called)`;
}

import type { DatabaseFingerprint } from '../../functions/backup/fingerprint/DatabaseFingerprint.js';

/** A fingerprint as read from a real server (PostgreSQL 15.20, one sequence): the unit tests' starting point. */
export const SAMPLE_FINGERPRINT: DatabaseFingerprint = {
  systemIdentifier: 7716067577823045758n,
  timeline: 1,
  databaseOid: 16384,
  serverVersionNum: 150020,
  nextXid: 3521n,
  runningXids: [],
  xidLocks: 0,
  sequences: [{ oid: 16390, name: 'public.notes_id_seq', lastValue: 3n, isCalled: true }],
  unloggedTables: [],
  uncertain: [],
};

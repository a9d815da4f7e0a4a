/**
 * What a database's dump depends on, read cheaply: enough to tell that a dump taken now would equal
 * one taken when the fingerprint was read (docs/instant-backups.md has the argument).
 */
export interface DatabaseFingerprint {
  /** pg_control_system(): another cluster at the same address (a restore of a base backup, a new initdb). */
  systemIdentifier: bigint;
  /** pg_control_checkpoint().timeline_id: a promoted standby or a point-in-time recovery. */
  timeline: number;
  /** The database's oid: a database dropped and created again under the same name. */
  databaseOid: number;
  /** server_version_num: an upgraded server. */
  serverVersionNum: number;
  /**
   * pg_snapshot_xmax(pg_current_snapshot()): one past the newest transaction id that has ended
   * (committed or aborted), cluster-wide. It moves whenever a transaction that wrote anything ends.
   */
  nextXid: bigint;
  /** pg_snapshot_xip of the same snapshot: transactions running below nextXid, sorted. */
  runningXids: bigint[];
  /**
   * Transactions holding a transaction id (pg_locks, locktype `transactionid`), cluster-wide: it also
   * counts a running transaction at or above nextXid, which the snapshot does not list.
   */
  xidLocks: number;
  /** Every sequence of the database but temporary ones, by oid: nextval() writes no transaction id. */
  sequences: SequenceState[];
  /**
   * Every unlogged table's size, by oid: crash recovery empties them without ending a transaction
   * (nextXid stays), and an emptied table's main fork is as long as its empty init fork.
   */
  unloggedTables: UnloggedTableSize[];
  /** Why this fingerprint cannot prove anything (a sequence it may not read), or empty. */
  uncertain: string[];
}

/** One sequence as pg_dump reads it: `SELECT last_value, is_called FROM <sequence>`. */
export interface SequenceState {
  oid: number;
  /** schema.name, quoted where needed: for messages. */
  name: string;
  /** undefined when the reader has no SELECT privilege on it (the fingerprint is then uncertain). */
  lastValue?: bigint;
  isCalled?: boolean;
}

/** One unlogged table and the size of its data (`pg_relation_size`). */
export interface UnloggedTableSize {
  oid: number;
  /** schema.name, quoted where needed: for messages. */
  name: string;
  bytes: bigint;
}

/** Whether a transaction that may write was running when the fingerprint was read. */
export function transactionsInProgress(fingerprint: DatabaseFingerprint): string | undefined {
  if (fingerprint.runningXids.length > 0) return `transactions in progress: ${fingerprint.runningXids.join(', ')}`;
  if (fingerprint.xidLocks > 0) return `${fingerprint.xidLocks} transaction id lock(s) held`;
  return undefined;
}

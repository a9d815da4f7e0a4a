import pg from 'pg';
import type { DatabaseFingerprint, SequenceState } from './DatabaseFingerprint.js';

/** What the fingerprint is read through: a `pg` Client, PoolClient or Pool, or a PGlite instance. */
export interface FingerprintConnection {
  query(text: string): Promise<{ rows: unknown[] }>;
}

/**
 * One statement, so one round trip; every value as text (pg and PGlite parse numbers differently).
 * The snapshot is taken once, so nextXid and the running transactions belong together. Each
 * sequence is read the way pg_dump reads it (its own relation, not pg_sequences, whose last_value
 * is null for any sequence not yet called, whatever setval(…, false) put there); query_to_xml runs
 * that per-sequence query inside this one statement. A sequence the reader may not SELECT is not
 * read (it would fail the statement) and makes the fingerprint uncertain. Reading assigns no
 * transaction id and writes nothing. Each unlogged table's size tells that crash recovery emptied it,
 * which ends no transaction.
 */
const FINGERPRINT_SQL = `
select
  (select system_identifier::text from pg_control_system()) as system_identifier,
  (select timeline_id::text from pg_control_checkpoint()) as timeline,
  (select oid::text from pg_database where datname = current_database()) as database_oid,
  current_setting('server_version_num') as server_version_num,
  pg_snapshot_xmax(snapshot)::text as next_xid,
  (select coalesce(json_agg(xid::text order by xid), '[]') from pg_snapshot_xip(snapshot) as xid)::text as running_xids,
  (select count(*) from pg_locks where locktype = 'transactionid')::text as xid_locks,
  (select coalesce(json_agg(json_build_object(
      'oid', c.oid::text,
      'name', format('%I.%I', n.nspname, c.relname),
      'state', case when has_sequence_privilege(c.oid, 'SELECT')
        then query_to_xml(format('select last_value, is_called from %I.%I', n.nspname, c.relname), false, true, '')::text
      end
    ) order by c.oid), '[]')
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'S' and c.relpersistence <> 't')::text as sequences,
  (select coalesce(json_agg(json_build_object(
      'oid', c.oid::text, 'name', format('%I.%I', n.nspname, c.relname), 'bytes', pg_relation_size(c.oid)::text
    ) order by c.oid), '[]')
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and c.relpersistence = 'u')::text as unlogged_tables
from (select pg_current_snapshot() as snapshot) as now`;

interface FingerprintRow {
  system_identifier: string;
  timeline: string;
  database_oid: string;
  server_version_num: string;
  next_xid: string;
  running_xids: string;
  xid_locks: string;
  sequences: string;
  unlogged_tables: string;
}

/**
 * Reads the fingerprint of the database `connection` is connected to, in one statement; writes
 * nothing. Throws what the query throws (a server without these functions, a sequence dropped while
 * it is read): a caller then has no fingerprint, and dumps.
 */
export async function readFingerprint(connection: FingerprintConnection): Promise<DatabaseFingerprint> {
  const row = (await connection.query(FINGERPRINT_SQL)).rows[0] as FingerprintRow;
  const sequences = (JSON.parse(row.sequences) as { oid: string; name: string; state: string | null }[]).map(sequenceState);
  return {
    systemIdentifier: BigInt(row.system_identifier),
    timeline: Number(row.timeline),
    databaseOid: Number(row.database_oid),
    serverVersionNum: Number(row.server_version_num),
    nextXid: BigInt(row.next_xid),
    runningXids: (JSON.parse(row.running_xids) as string[]).map((xid) => BigInt(xid)),
    xidLocks: Number(row.xid_locks),
    sequences,
    // A table dropped while it is read has no size (null): BigInt throws, and the caller dumps.
    unloggedTables: (JSON.parse(row.unlogged_tables) as { oid: string; name: string; bytes: string }[]).map((table) => ({
      oid: Number(table.oid),
      name: table.name,
      bytes: BigInt(table.bytes),
    })),
    uncertain: sequences
      .filter((sequence) => sequence.lastValue === undefined)
      .map((sequence) => `sequence ${sequence.name} is not readable`),
  };
}

/** The row query_to_xml wrote for one sequence: `<last_value>n</last_value>` and `<is_called>true|false</is_called>`. */
function sequenceState(sequence: { oid: string; name: string; state: string | null }): SequenceState {
  const read = { oid: Number(sequence.oid), name: sequence.name };
  if (sequence.state === null) return read;
  const lastValue = /<last_value>(-?\d+)<\/last_value>/.exec(sequence.state)?.[1];
  const isCalled = /<is_called>(true|false)<\/is_called>/.exec(sequence.state)?.[1];
  if (lastValue === undefined || isCalled === undefined)
    throw new Error(`unexpected state of sequence ${sequence.name}: ${sequence.state}`);
  return { ...read, lastValue: BigInt(lastValue), isCalled: isCalled === 'true' };
}

/** Reads the fingerprint on a connection of its own, closed afterwards (a dump source's). */
export async function readFingerprintAt(config: pg.ClientConfig): Promise<DatabaseFingerprint> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return await readFingerprint(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

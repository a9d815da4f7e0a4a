import type pg from 'pg';
import { TransactionConflictError } from './errors.js';

/** What runs SQL: a pool (each statement on its own) or the client of one transaction. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/** How often a transaction the server aborted for a conflict is tried, and how long to wait before the next try. */
export interface RetryPolicy {
  /** Tries in all, the first one included. */
  attempts: number;
  /** Milliseconds to wait after failed try `attempt` (1-based). */
  delayMs(attempt: number): number;
}

/** Four tries, waiting about 10, 20, then 40 ms (each randomly between half and all of it, so that the rivals do not meet again). */
export const CONFLICT_RETRY: RetryPolicy = {
  attempts: 4,
  delayMs: (attempt) => 10 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2),
};

/** SQLSTATEs of a transaction aborted only because of concurrent ones: deadlock_detected, serialization_failure. */
const CONFLICTS = new Set(['40P01', '40001']);

/**
 * Runs `work` in one transaction on a connection of its own from `pool`: COMMIT when it resolves,
 * ROLLBACK when it throws, and the error goes on. A transaction the server aborted as a deadlock or a
 * serialization failure is rolled back and run again, whole (it was all or nothing, so nothing of it
 * stays), up to `retry.attempts` times; then TransactionConflictError. `work` must therefore do nothing
 * but SQL on `tx`. A connection whose ROLLBACK fails, or that was lost meanwhile, is closed, not reused. Works on the embedded
 * database too: PGlite's socket server runs only the statements of the connection in a transaction
 * until it ends, and rolls back the one of a connection that went away.
 */
export async function inTransaction<T>(
  pool: Pick<pg.Pool, 'connect'>,
  work: (tx: Queryable) => Promise<T>,
  retry: RetryPolicy = CONFLICT_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(pool, work);
    } catch (error) {
      if (!CONFLICTS.has((error as { code?: unknown }).code as string)) throw error;
      if (attempt >= retry.attempts) throw new TransactionConflictError(attempt, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, retry.delayMs(attempt)));
    }
  }
}

async function once<T>(pool: Pick<pg.Pool, 'connect'>, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection lost while checked out (the server terminated it, a network fault) is also emitted as
  // an 'error' event, which the pool listens for only while the client is idle: unheard, it would end
  // the process. The statement under way fails with it anyway; the client is then closed, not reused.
  const onLost = (error: Error) => {
    broken = error;
  };
  client.on('error', onLost);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.removeListener('error', onLost);
    client.release(broken);
  }
}

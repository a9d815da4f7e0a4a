import type pg from 'pg';

/** What runs SQL: a pool (each statement on its own) or the client of one transaction. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Runs `work` in one transaction on a connection of its own from `pool`: COMMIT when it resolves,
 * ROLLBACK when it throws, and the error goes on. A connection whose ROLLBACK fails is closed, not
 * reused. Works on the embedded database too: PGlite's socket server runs only the statements of the
 * connection in a transaction until it ends, and rolls back the one of a connection that went away.
 */
export async function inTransaction<T>(pool: Pick<pg.Pool, 'connect'>, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
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
    client.release(broken);
  }
}

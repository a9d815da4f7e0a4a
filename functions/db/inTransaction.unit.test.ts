import { describe, expect, it } from '@jest/globals';
import { toErrorResult } from '../http/errorResponse.js';
import { TransactionConflictError } from './errors.js';
import { inTransaction } from './inTransaction.js';

/** A pool stub (the real retries against PostgreSQL are in functions/notes/concurrentEdits.test.ts): records the statements. */
function stubPool() {
  const statements: string[] = [];
  const pool = {
    connect: async () => ({
      query: async (text: string) => {
        statements.push(text);
        return { rows: [], rowCount: 0 };
      },
      release: () => undefined,
      on: () => undefined,
      removeListener: () => undefined,
    }),
  };
  return { pool: pool as never, statements };
}

const conflict = (code: string) => Object.assign(new Error(`aborted (${code})`), { code });
const noWait = { attempts: 4, delayMs: () => 0 };

describe('inTransaction with a stub pool: retries of transactions aborted for a conflict', () => {
  it.each([
    ['a deadlock twice, then success', ['40P01', '40P01'], 3, 'done'],
    ['a serialization failure once, then success', ['40001'], 2, 'done'],
    ['a deadlock on every try', ['40P01', '40P01', '40P01', '40P01'], 4, TransactionConflictError],
    ['another error: not tried again', ['23505'], 1, Error],
  ])('%s: %d tries', async (_case, failures, tries, outcome) => {
    const { pool, statements } = stubPool();
    const queue = [...failures];

    const result = await inTransaction(
      pool,
      async () => {
        const code = queue.shift();
        if (code) throw conflict(code);
        return 'done';
      },
      noWait,
    ).catch((error: unknown) => error);

    expect(statements.filter((s) => s === 'begin')).toHaveLength(tries);
    if (typeof outcome === 'string') expect(result).toBe(outcome);
    else expect(result).toBeInstanceOf(outcome);
  });

  it('answers a conflict that outlasted every try with a 503 saying nothing was changed', async () => {
    const { pool } = stubPool();

    const error = await inTransaction(
      pool,
      async () => {
        throw conflict('40P01');
      },
      noWait,
    ).catch((e: unknown) => e);

    expect(toErrorResult(error)).toMatchObject({
      statusCode: 503,
      headers: { 'Retry-After': '1' },
      body: JSON.stringify({
        error: {
          code: 'TRANSACTION_CONFLICT',
          message:
            'the database aborted this change 4 times because of concurrent changes to the same rows; nothing was changed, try again',
        },
      }),
    });
  });
});

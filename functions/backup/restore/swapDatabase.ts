import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { quoteIdent } from './targetServer.js';
import { RestoreFailedError } from './RestoreFailedError.js';

/** How long the swap waits for the target's sessions to end once told to. */
const SESSIONS_END_MS = 10_000;

/**
 * Puts `restored` in the place of `target` and drops the database it replaces (--clean, after the
 * restore succeeded). The target takes no new sessions and its open ones are ended, then both renames
 * happen in one transaction: a failure leaves the target as it was (and connectable again).
 */
export async function swapDatabase(admin: pg.Client, restored: string, target: string): Promise<void> {
  const replaced = `${target.slice(0, 40)}__replaced_${randomBytes(4).toString('hex')}`;
  await admin.query(`alter database ${quoteIdent(target)} with allow_connections false`);
  try {
    const deadline = Date.now() + SESSIONS_END_MS;
    for (;;) {
      const { rows } = await admin.query<{ sessions: number }>(
        `select count(pg_terminate_backend(pid))::int as sessions from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
        [target],
      );
      if (rows[0]!.sessions === 0) break;
      if (Date.now() > deadline) {
        throw new RestoreFailedError(`${target} still has sessions after ${SESSIONS_END_MS / 1000} s; it was not replaced`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await admin.query('begin');
    await admin.query(`alter database ${quoteIdent(target)} rename to ${quoteIdent(replaced)}`);
    await admin.query(`alter database ${quoteIdent(restored)} rename to ${quoteIdent(target)}`);
    await admin.query('commit');
  } catch (error) {
    await admin.query('rollback').catch(() => undefined);
    await admin.query(`alter database ${quoteIdent(target)} with allow_connections true`).catch(() => undefined);
    throw error;
  }
  await admin.query(`drop database ${quoteIdent(replaced)} with (force)`);
}

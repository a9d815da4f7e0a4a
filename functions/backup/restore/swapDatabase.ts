import type pg from 'pg';
import { jsonLogger, type Logger } from '../../log/Logger.js';
import { RestoreFailedError } from './RestoreFailedError.js';
import { sideDatabaseName } from './sideDatabaseName.js';
import { quoteIdent } from './targetServer.js';

/** How long the swap keeps ending the target's sessions and trying the renames. */
const SWAP_DEADLINE_MS = 10_000;
/** Between two tries, when a session came back before the renames. */
const RETRY_MS = 50;

export interface SwapOptions {
  logger?: Logger;
  deadlineMs?: number;
}

export interface SwapResult {
  /** The replaced database could not be dropped (e.g. it holds a subscription): kept under this name. */
  keptAs?: string;
  /** Why it was kept: the server's error. */
  keptBecause?: string;
}

/**
 * Puts `restored` in the place of `target` (--clean, after the restore succeeded), then drops the
 * database it replaced. Until a deadline it ends the target's other sessions and tries both renames in
 * one transaction, again when a session came back in between (55006). New sessions are never refused:
 * a failure or a kill leaves the target as it was and connectable. A replaced database that cannot be
 * dropped is kept, logged and reported (the restore still succeeded).
 */
export async function swapDatabase(admin: pg.Client, restored: string, target: string, options: SwapOptions = {}): Promise<SwapResult> {
  const logger = options.logger ?? jsonLogger();
  const deadlineMs = options.deadlineMs ?? SWAP_DEADLINE_MS;
  const replaced = sideDatabaseName(target, 'replaced');
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    let ending: Error | undefined;
    // A session this role may not end (a superuser's) is not fatal here: the renames say whether it is still there.
    await admin
      .query(`select pg_terminate_backend(pid) from pg_stat_activity where datname in ($1, $2) and pid <> pg_backend_pid()`, [
        target,
        restored,
      ])
      .catch((error: Error) => {
        ending = error;
      });
    try {
      await admin.query('begin');
      await admin.query(`alter database ${quoteIdent(target)} rename to ${quoteIdent(replaced)}`);
      await admin.query(`alter database ${quoteIdent(restored)} rename to ${quoteIdent(target)}`);
      await admin.query('commit');
      break;
    } catch (error) {
      await admin.query('rollback').catch(() => undefined);
      if ((error as { code?: string }).code !== '55006') throw error;
      if (performance.now() > deadline) {
        throw new RestoreFailedError(
          `${target} still had sessions after ${deadlineMs / 1000} s${ending ? ` (${ending.message})` : ''}; it was not replaced and is as it was`,
          { cause: error, code: 'TARGET_BUSY' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
  try {
    await admin.query(`drop database ${quoteIdent(replaced)} with (force)`);
    return {};
  } catch (error) {
    const keptBecause = (error as Error).message;
    logger.warn('restore.replaced_kept', { database: target, keptAs: replaced, reason: keptBecause });
    return { keptAs: replaced, keptBecause };
  }
}

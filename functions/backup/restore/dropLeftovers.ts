import type pg from 'pg';
import type { Logger } from '../../log/Logger.js';
import { RestoreFailedError } from './RestoreFailedError.js';
import { isSideDatabaseOf } from './sideDatabaseName.js';
import { quoteIdent } from './targetServer.js';

/**
 * Drops the side databases (`__restoring_`, `__replaced_`) an earlier --clean of `target` left behind
 * when it was killed part-way, those no session uses; logs and returns their names. Holds, for as long
 * as `admin` stays connected, a lock that makes a second --clean of the same target refuse to start:
 * the side database of a --clean still running is never taken for a leftover.
 */
export async function dropLeftovers(admin: pg.Client, target: string, logger: Logger): Promise<string[]> {
  const { rows: locked } = await admin.query<{ ours: boolean }>(
    `select pg_try_advisory_lock(hashtext('db-backup restore --clean'), hashtext($1)) as ours`,
    [target],
  );
  if (!locked[0]!.ours) {
    throw new RestoreFailedError(`another restore --clean of ${target} is running on this server: wait for it to end`, {
      code: 'TARGET_BUSY',
    });
  }
  const { rows } = await admin.query<{ name: string; sessions: number }>(
    `select d.datname as name, (select count(*) from pg_stat_activity a where a.datname = d.datname)::int as sessions
       from pg_database d where d.datname like '%\\_\\_re%' order by d.datname`,
  );
  const dropped: string[] = [];
  for (const { name, sessions } of rows.filter((row) => isSideDatabaseOf(row.name, target))) {
    if (sessions > 0) {
      logger.warn('restore.leftover_in_use', { database: target, leftover: name, sessions });
      continue;
    }
    // Without force: a session that came in since is not ended, the database stays.
    const refused = await admin.query(`drop database ${quoteIdent(name)}`).then(
      () => undefined,
      (error: Error) => error,
    );
    if (refused) {
      logger.warn('restore.leftover_kept', { database: target, leftover: name, reason: refused.message });
      continue;
    }
    logger.warn('restore.leftover_dropped', { database: target, leftover: name });
    dropped.push(name);
  }
  return dropped;
}

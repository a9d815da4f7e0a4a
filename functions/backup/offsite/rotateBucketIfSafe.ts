import { formatDuration } from '../../log/formatDuration.js';
import type { Logger } from '../../log/Logger.js';
import type { Problem } from '../Problem.js';
import type { RotationResult } from '../retention/BackupRotator.js';
import { clockSkew } from '../retention/clockSkew.js';
import { emptyPlan } from '../retention/planRotation.js';
import { BucketRotationIncompleteError } from './BucketRotationIncompleteError.js';
import type { BucketRotator } from './BucketRotator.js';

/** A backup waits at most this long for the bucket's rotation before its dump: the rest is left to the next backup. */
export const BUCKET_ROTATION_LIMIT_MS = 30_000;

/** What the bucket's rotation before a backup did, and why it did less than planned (`problem`). */
export interface BucketRotationOutcome {
  rotation: RotationResult;
  problem?: Problem;
  /**
   * The bucket's own failure behind `problem` (not on the wire): OFFSITE_UNREACHABLE, OFFSITE_SERVER_ERROR, …,
   * or OFFSITE_TIMEOUT when the limit stopped a rotation that had got nothing done (a hung server).
   */
  bucketFailure?: Problem;
}

/**
 * Rotates `database`'s backups in the bucket unless that would be unsafe: this process's clock and the
 * database server's disagree beyond the tolerance (the same guard as the folder's), or, checked by the
 * rotator on its listing, this clock and the bucket's (a database on this same mis-set host would agree
 * with it; the bucket's server does not). Nothing is then archived or deleted. Never throws: a
 * bucket that cannot be reached, a rotation that stops part-way or runs past `limitMs` is reported in
 * `problem` with what was done, and the backup that follows is still written.
 */
export async function rotateBucketIfSafe(
  rotator: BucketRotator,
  checked: { database: string; serverTime?: Date },
  now: Date,
  logger: Logger,
  options: { signal?: AbortSignal; limitMs?: number } = {},
): Promise<BucketRotationOutcome> {
  const limitMs = options.limitMs ?? BUCKET_ROTATION_LIMIT_MS;
  const { problem: skewed } = clockSkew(now, checked.serverTime, rotator.policy.clockToleranceMs);
  if (skewed) return notDone(emptyPlan(now, rotator.policy), skewed, logger);
  const limit = AbortSignal.timeout(limitMs);
  const signal = options.signal ? AbortSignal.any([options.signal, limit]) : limit;
  try {
    return { rotation: await rotator.rotate(now, { database: checked.database, signal }) };
  } catch (error) {
    const done = error instanceof BucketRotationIncompleteError ? error.done : emptyPlan(now, rotator.policy);
    const deleted = done.deletedFromMain.length + done.deletedFromArchive.length;
    const code = (error as { code?: string }).code ?? 'OFFSITE_FAILED';
    const nothingDone = done.archived.length + deleted === 0;
    const message = limit.aborted
      ? `the rotation of the bucket took longer than ${formatDuration(limitMs)} and was stopped after archiving ${done.archived.length} ` +
        `and deleting ${deleted}; the next backup goes on with it`
      : error instanceof BucketRotationIncompleteError || code === 'CLOCK_SKEW'
        ? (error as Error).message
        : `${(error as Error).message}: nothing in the bucket was archived or deleted`;
    const problem = { code: limit.aborted ? 'OFFSITE_ROTATION_INCOMPLETE' : code, message: `${message}; the backup was still written` };
    // A limit reached with work done means a slow bucket that answers; with nothing done, one that does not.
    const reason = error instanceof BucketRotationIncompleteError ? error.reason : (error as Problem);
    const bucketFailure = limit.aborted
      ? nothingDone
        ? {
            code: 'OFFSITE_TIMEOUT',
            message: `${rotator.bucket.url(rotator.bucket.location.prefix)} did not answer within ${formatDuration(limitMs)}`,
          }
        : undefined
      : { code: reason.code ?? code, message: reason.message };
    return notDone(done, problem, logger, bucketFailure);
  }
}

function notDone(rotation: RotationResult, problem: Problem, logger: Logger, bucketFailure?: Problem): BucketRotationOutcome {
  logger.warn('offsite.rotation.not_done', { ...problem });
  return { rotation, problem, ...(bucketFailure ? { bucketFailure } : {}) };
}

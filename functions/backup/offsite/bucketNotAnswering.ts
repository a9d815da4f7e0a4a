import type { Problem } from '../Problem.js';

/** The bucket's failures that mean it did not answer: unreachable, hung past a limit, failing with 5xx after the SDK's retries. */
const NOT_ANSWERING = new Set(['OFFSITE_UNREACHABLE', 'OFFSITE_TIMEOUT', 'OFFSITE_SERVER_ERROR']);

/**
 * The rule of one POST /db-backup: once a bucket step found the bucket not answering (`failure`), the
 * later bucket steps of the same run are skipped with this problem (code `OFFSITE_SKIPPED`), so that a
 * hung or unreachable server delays the backup by one step's limit, not by each step's. Undefined when
 * the failure says the bucket answered (a 403, a missing bucket) or there was none.
 */
export function bucketNotAnswering(failure: Problem | undefined): Problem | undefined {
  if (!failure || !NOT_ANSWERING.has(failure.code)) return undefined;
  return { code: 'OFFSITE_SKIPPED', message: `skipped: the bucket did not answer earlier in this run (${failure.message})` };
}

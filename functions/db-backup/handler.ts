import { backupAnswer } from '../backup/BackupAnswer.js';
import type { BackupService } from '../backup/BackupService.js';
import { DEFAULTS } from '../config/defaults.js';
import { httpHandler } from '../http/httpHandler.js';
import { invalid } from '../http/readInput.js';
import { jsonResponse } from '../http/jsonResponse.js';
import { jsonLogger, type Logger } from '../log/Logger.js';
import { fromEnvironment } from '../wiring/fromEnvironment.js';

export interface DbBackupParts {
  service: () => BackupService;
  logger?: Logger;
  /** Aborts when the process hosting the handler shuts down: a backup under way is cancelled cleanly. */
  shutdown?: AbortSignal;
  /** The bearer token every request must carry (`API_TOKEN`). */
  token?: () => string | undefined;
}

/** How long a request waits for a running backup of the folder by default (`?wait=<seconds>`), well under the app's 120 s. */
export const DEFAULT_WAIT_SECONDS = DEFAULTS.waitSeconds;
const MAX_WAIT_SECONDS = DEFAULTS.maxWaitSeconds;

/**
 * POST /db-backup[?wait=<seconds>][&full=1]: rotates the existing backups, then writes a new full SQL
 * backup: made from the newest one when the database provably did not change since (`unchangedSince`),
 * else (and always with `full=1`) by pg_dump.
 * While another backup of the folder runs, waits (up to `wait`) and shares the first backup that
 * starts after this request arrived (`coalesced: true`). 201 `{ backup, rotation, coalesced }`, and
 * `offsite.rotation` with a bucket;
 * 409 when the wait runs out; 503 when the database is down.
 */
export function createDbBackupHandler({ service, logger = jsonLogger(), shutdown, token }: DbBackupParts) {
  return httpHandler(
    async (event) => {
      const waitMs = readWait(event.queryStringParameters?.wait ?? undefined) * 1000;
      // When the request reached the API (API Gateway, the local gateway): a request that waited
      // before the function ran is still answered by a backup that started after it arrived.
      const context = event.requestContext as { requestTimeEpoch?: number; timeEpoch?: number } | undefined;
      const arrivedAt = context?.requestTimeEpoch || context?.timeEpoch || undefined;
      const full = readFull(event.queryStringParameters?.full ?? undefined);
      const result = await service().rotateThenBackUp({ signal: shutdown, waitMs, arrivedAt, full });
      const { backup, rotation, rotationProblem, verification, catchUp, offsiteRotation } = result;
      return jsonResponse(201, {
        ...backupAnswer(backup, rotation, rotationProblem, verification, { catchUp, rotation: offsiteRotation }),
        coalesced: result.coalesced === true,
      });
    },
    { method: 'POST', logger, token },
  );
}

/**
 * `?full=1` (or `true`): a real dump, even when the database did not change since the newest backup.
 * A bare `?full` is refused rather than read as "not full": whoever wrote it meant a full backup.
 */
function readFull(value: string | undefined): boolean {
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  if (value === '') throw invalid('full needs a value: full=1 (or true) asks for a real dump');
  throw invalid(`full must be 1 (or true) or 0 (or false) (got "${value.slice(0, 20)}")`);
}

function readWait(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_WAIT_SECONDS;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds > MAX_WAIT_SECONDS) {
    throw invalid(`wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS} (got "${value.slice(0, 20)}")`);
  }
  return seconds;
}

/** The Lambda entry point. */
export const handler = createDbBackupHandler(fromEnvironment());

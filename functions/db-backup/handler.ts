import { backupAnswer } from '../backup/BackupAnswer.js';
import type { BackupService } from '../backup/BackupService.js';
import { httpHandler } from '../http/httpHandler.js';
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

/**
 * POST /db-backup: rotates the existing backups, then writes a new full SQL backup.
 * 201 `{ backup, rotation }`; 409 while another backup runs; 503 when the database is down.
 */
export function createDbBackupHandler({ service, logger = jsonLogger(), shutdown, token }: DbBackupParts) {
  return httpHandler(
    async () => {
      const { backup, rotation, rotationProblem, verification } = await service().rotateThenBackUp({ signal: shutdown });
      return jsonResponse(201, backupAnswer(backup, rotation, rotationProblem, verification));
    },
    { method: 'POST', logger, token },
  );
}

/** The Lambda entry point. */
export const handler = createDbBackupHandler(fromEnvironment());

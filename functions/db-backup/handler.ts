import type { BackupService } from '../backup/BackupService.js';
import { backupServiceFromConfig } from '../backup/backupServiceFromConfig.js';
import { loadConfig } from '../config/loadConfig.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonResponse } from '../http/jsonResponse.js';
import { jsonLogger, type Logger } from '../log/Logger.js';

/**
 * POST /db-backup: rotates the existing backups, then writes a new full SQL backup.
 * 201 `{ backup, rotation }`; 409 while another backup runs; 503 when the database is down.
 */
export function createDbBackupHandler(service: () => BackupService, logger: Logger = jsonLogger()) {
  return httpHandler(
    async () => {
      const { backup, rotation } = await service().rotateThenBackUp();
      return jsonResponse(201, {
        backup,
        rotation: {
          kept: rotation.kept,
          archived: rotation.archived,
          deleted: rotation.deleted,
          skipped: rotation.skipped,
          stalePartials: rotation.stalePartials,
          archiveCutoff: rotation.archiveCutoff.toISOString(),
        },
      });
    },
    { method: 'POST', logger },
  );
}

let productionService: BackupService | undefined;

/** The Lambda entry point; the service is built from the environment on first use and then reused. */
export const handler = createDbBackupHandler(() => (productionService ??= backupServiceFromConfig(loadConfig())));

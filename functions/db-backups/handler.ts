import { BackupRotator } from '../backup/BackupRotator.js';
import { loadConfig } from '../config/loadConfig.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonResponse } from '../http/jsonResponse.js';
import { jsonLogger, type Logger } from '../log/Logger.js';

/**
 * GET /db-backups: the backups in the folder with the rules that keep each one, and what the next
 * rotation would archive or delete. Reads the folder; changes nothing.
 */
export function createDbBackupsHandler(rotator: () => BackupRotator, logger: Logger = jsonLogger()) {
  return httpHandler(
    async () => {
      const plan = await rotator().plan();
      return jsonResponse(200, {
        kept: plan.kept,
        archived: plan.archived,
        deleted: plan.deleted,
        archiveCutoff: plan.archiveCutoff.toISOString(),
      });
    },
    { method: 'GET', logger },
  );
}

let productionRotator: BackupRotator | undefined;

export const handler = createDbBackupsHandler(() => {
  if (!productionRotator) {
    const config = loadConfig();
    productionRotator = new BackupRotator({ dir: config.backupDir, policy: config.policy });
  }
  return productionRotator;
});

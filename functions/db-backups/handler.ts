import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { BackupRotator } from '../backup/BackupRotator.js';
import { checkHealth } from '../backup/checkHealth.js';
import { loadConfig } from '../config/loadConfig.js';
import { httpHandler, type HttpEvent } from '../http/httpHandler.js';
import { jsonResponse } from '../http/jsonResponse.js';
import { jsonLogger, type Logger } from '../log/Logger.js';

/**
 * Read-only views of the backup folder. Neither changes anything.
 * GET /db-backups: the backups with the rules that keep each one, and what the next rotation would do.
 * GET /health: 200 when the folder is writable and the last backup succeeded, else 503 with the problems.
 */
export function createDbBackupsHandler(rotator: () => BackupRotator, logger: Logger = jsonLogger()) {
  const routes: Route<HttpEvent, APIGatewayProxyResult>[] = [
    {
      method: 'GET',
      path: '/db-backups',
      handler: async () => {
        const plan = await rotator().plan();
        return jsonResponse(200, {
          kept: plan.kept,
          archived: plan.archived,
          deleted: plan.deleted,
          stalePartials: plan.stalePartials,
          archiveCutoff: plan.archiveCutoff.toISOString(),
        });
      },
    },
    {
      method: 'GET',
      path: '/health',
      handler: async () => {
        const health = await checkHealth(rotator().dir);
        return jsonResponse(health.healthy ? 200 : 503, health);
      },
    },
  ];
  return httpHandler(httpRouterHandler<HttpEvent, APIGatewayProxyResult>(routes) as never, { method: 'GET', logger });
}

let productionRotator: BackupRotator | undefined;

export const handler = createDbBackupsHandler(() => {
  if (!productionRotator) {
    const config = loadConfig();
    productionRotator = new BackupRotator({ dir: config.backupDir, policy: config.policy });
  }
  return productionRotator;
});

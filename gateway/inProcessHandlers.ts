import type { Handler } from 'aws-lambda';
import type { DumpSource } from '../functions/backup/dump/DumpSource.js';
import { createBackupService } from '../functions/backup/createBackupService.js';
import type { BackupConfig } from '../functions/config/loadConfig.js';
import { createDbBackupHandler } from '../functions/db-backup/handler.js';
import { createBackupStatusHandler } from '../functions/backup-status/handler.js';
import type { Logger } from '../functions/log/Logger.js';

export interface InProcessParts {
  config: BackupConfig;
  logger: Logger;
  /** How the database is dumped; the native pg_dump when absent. */
  dumpSource?: DumpSource;
  /** Aborts when the process stops: a backup under way is cancelled cleanly instead of cut off. */
  shutdown?: AbortSignal;
}

/**
 * The backup functions, by their name in template.yaml, wired for running inside this process: one
 * backup service shared by POST /db-backup and the read-only views. Other functions run their
 * module's own `handler` export.
 */
export function inProcessHandlers({ config, logger, dumpSource, shutdown }: InProcessParts): Map<string, Handler> {
  const service = createBackupService(config, logger, dumpSource);
  return new Map<string, Handler>([
    ['DbBackupFunction', createDbBackupHandler({ service: () => service, logger, shutdown })],
    ['BackupStatusFunction', createBackupStatusHandler({ rotator: () => service.rotator, database: () => service.creator.databaseName(), logger })],
  ]);
}

import type { BackupConfig } from '../config/loadConfig.js';
import { jsonLogger, type Logger } from '../log/Logger.js';
import { BackupCreator } from './BackupCreator.js';
import { BackupRotator } from './BackupRotator.js';
import { BackupService } from './BackupService.js';
import { PgDumpSource } from './PgDumpSource.js';

/** Wires the production backup service: native pg_dump, the real clock, JSON logs on stderr. */
export function backupServiceFromConfig(config: BackupConfig, logger: Logger = jsonLogger()): BackupService {
  const source = new PgDumpSource({
    connection: config.connection,
    pgDumpPath: config.pgDumpPath,
    timeoutMs: config.timeoutMs,
    lockWaitTimeoutMs: config.lockWaitTimeoutMs,
  });
  return new BackupService({
    creator: new BackupCreator({ dir: config.backupDir, source, logger }),
    rotator: new BackupRotator({ dir: config.backupDir, policy: config.policy, logger }),
    logger,
  });
}

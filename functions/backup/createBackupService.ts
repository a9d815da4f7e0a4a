import type { BackupConfig } from '../config/loadConfig.js';
import { jsonLogger, type Logger } from '../log/Logger.js';
import { BackupCreator } from './dump/BackupCreator.js';
import { BackupRotator } from './retention/BackupRotator.js';
import { BucketRotator } from './offsite/BucketRotator.js';
import { BackupService } from './BackupService.js';
import { BackupFolder } from './folder/BackupFolder.js';
import type { BackupBucket } from './offsite/BackupBucket.js';
import { BucketCopier } from './offsite/BucketCopier.js';
import { OffsiteCatchUp } from './offsite/OffsiteCatchUp.js';
import type { DumpSource } from './dump/DumpSource.js';
import { PgDumpSource } from './dump/PgDumpSource.js';
import { PgliteScratch } from './verify/PgliteScratch.js';
import { ServerScratch } from './verify/ServerScratch.js';

/**
 * Wires the production backup service: the native pg_dump unless another `source` is given (`npm
 * start` gives the embedded database's own dump), the real clock, JSON logs on stderr. The folder and
 * its rotator are built here unless the composition root built them already (`shared`). With a
 * `bucket` (BACKUP_S3_URL), every backup is copied there while it is written, the backups whose copy
 * failed are uploaded before the next one, and the bucket's backups are rotated by the same rules.
 * With `encryptTo` (BACKUP_ENCRYPT_RECIPIENTS), every backup is written encrypted with age.
 */
export function createBackupService(
  config: BackupConfig,
  logger: Logger = jsonLogger(),
  source?: DumpSource,
  clock: () => Date = () => new Date(),
  shared: { folder?: BackupFolder; rotator?: BackupRotator; bucket?: BackupBucket } = {},
): BackupService {
  const { bucket } = shared;
  const folder = shared.folder ?? new BackupFolder(config.backupDir, { create: config.createBackupDir, logger, clock });
  const dumpSource =
    source ??
    new PgDumpSource({
      connection: config.connection,
      pgDumpPath: config.pgDumpPath,
      timeoutMs: config.timeoutMs,
      lockWaitTimeoutMs: config.lockWaitTimeoutMs,
    });
  return new BackupService({
    folder,
    creator: new BackupCreator({
      folder,
      source: dumpSource,
      gzipLevel: config.gzipLevel,
      fileMode: config.fileMode,
      fullEveryMs: config.fullEveryMs,
      ...(config.encryptTo ? { encryptTo: config.encryptTo } : {}),
      clock,
      logger,
      ...(bucket ? { offsite: new BucketCopier({ bucket, folder, timeoutMs: config.offsiteTimeoutMs, logger }) } : {}),
    }),
    ...(bucket ? { catchUp: new OffsiteCatchUp({ bucket, folder, timeoutMs: config.offsiteTimeoutMs, clock, logger }) } : {}),
    rotator: shared.rotator ?? new BackupRotator({ folder, policy: config.policy, clock, logger }),
    ...(shared.bucket ? { bucketRotator: new BucketRotator({ bucket: shared.bucket, policy: config.policy, clock, logger }) } : {}),
    database: (dumpSource as DumpSource).name ?? config.connection.database,
    // A scratch database like the real one: embedded for the embedded database, else on the same server.
    ...(config.verifyAfterCreate
      ? { verifier: source ? new PgliteScratch() : new ServerScratch(config.connection, clock, config.pgDumpPath) }
      : {}),
    clock,
    logger,
  });
}

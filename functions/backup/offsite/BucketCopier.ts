import * as fs from 'node:fs/promises';
import type { Logger } from '../../log/Logger.js';
import type { OffsiteCopier, OffsiteCopy, OffsiteOutcome } from '../dump/OffsiteCopier.js';
import type { Problem } from '../Problem.js';
import type { BackupFolder } from '../folder/BackupFolder.js';
import { regularFilesIn } from '../folder/folderFiles.js';
import { parseBackupFileName } from '../retention/backupFileName.js';
import type { BackupBucket } from './BackupBucket.js';
import { partSizeFor } from './partSizeFor.js';
import { StreamedUpload } from './StreamedUpload.js';

export interface BucketCopierOptions {
  bucket: BackupBucket;
  folder: BackupFolder;
  /** After a dump ends, how long its copy may still take (BACKUP_S3_TIMEOUT_MS). */
  timeoutMs: number;
  /** How far a copy may fall behind its dump, in bytes held in memory (4 parts by default). */
  maxLagBytes?: number;
  logger?: Logger;
}

/**
 * Copies each new backup to the bucket while it is written (a StreamedUpload), its parts sized from
 * the previous backup of the same database in the folder (the new one's size is not known yet).
 */
export class BucketCopier implements OffsiteCopier {
  constructor(private readonly options: BucketCopierOptions) {}

  async begin(file: string, partialPath: string): Promise<OffsiteCopy> {
    const { bucket, timeoutMs, maxLagBytes, logger } = this.options;
    const partSize = partSizeFor(await this.previousBytes(file));
    return StreamedUpload.start({
      bucket,
      file,
      partialPath,
      partSize,
      timeoutMs,
      ...(maxLagBytes === undefined ? {} : { maxLagBytes }),
      ...(logger ? { logger } : {}),
    });
  }

  skipped(file: string, why: Problem): OffsiteOutcome {
    const key = this.options.bucket.keyOf(file);
    return { key, url: this.options.bucket.url(key), status: 'failed', ms: 0, reason: why.message, code: why.code };
  }

  /** The size of the newest backup of `file`'s database in the folder before it (0 when there is none). */
  private async previousBytes(file: string): Promise<number> {
    const database = parseBackupFileName(file)?.database;
    const earlier = (await regularFilesIn(this.options.folder.dir).catch(() => []))
      .filter((name) => name < file && parseBackupFileName(name)?.database === database)
      .sort();
    const previous = earlier.at(-1);
    if (!previous) return 0;
    return (await fs.stat(this.options.folder.path(previous)).catch(() => ({ size: 0 }))).size;
  }
}

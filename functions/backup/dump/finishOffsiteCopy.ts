import type { Logger } from '../../log/Logger.js';
import type { BackupFolder } from '../folder/BackupFolder.js';
import type { DumpContents } from '../sql/DumpScanner.js';
import type { Backup } from './BackupCreator.js';
import type { OffsiteCopy, OffsiteOutcome } from './OffsiteCopier.js';

/**
 * Waits for a published backup's copy (bounded by the copier), and marks the backup offsite in the
 * manifest once it is. `contents` goes into the bucket's record (none for an encrypted backup).
 */
export async function finishOffsiteCopy(
  copy: OffsiteCopy,
  backup: Backup,
  contents: DumpContents | undefined,
  { folder, clock, logger }: { folder: BackupFolder; clock: () => Date; logger: Logger },
): Promise<OffsiteOutcome> {
  const { file, sha256, bytes, startedAt } = backup;
  const outcome = await copy.finish({ file, sha256, bytes, startedAt, ...(contents ? { contents } : {}) });
  if (outcome.status === 'uploaded') {
    await folder.manifest
      .recordOffsite(file, { url: outcome.url, key: outcome.key, at: clock().toISOString() })
      .catch((error: unknown) => logger.warn('manifest.offsite_not_recorded', { file, error }));
  }
  return outcome;
}

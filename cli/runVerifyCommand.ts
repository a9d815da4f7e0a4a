import { join } from 'node:path';
import { BackupManifest } from '../functions/backup/folder/BackupManifest.js';
import { regularFilesIn } from '../functions/backup/folder/folderFiles.js';
import { withFolderLock } from '../functions/backup/folder/withFolderLock.js';
import { BackupInProgressError } from '../functions/backup/errors.js';
import { ARCHIVE_FOLDER } from '../functions/backup/retention/BackupRotator.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { PgliteScratch } from '../functions/backup/verify/PgliteScratch.js';
import type { ScratchDatabase } from '../functions/backup/verify/ScratchDatabase.js';
import { ServerScratch } from '../functions/backup/verify/ServerScratch.js';
import { type VerifyResult, verifyBackup } from '../functions/backup/verify/verifyBackup.js';
import type { BackupConfig } from '../functions/config/loadConfig.js';
import { AppError } from '../functions/errors/AppError.js';
import { resolveBackupFile } from './resolveBackupFile.js';
import { UsageError } from './UsageError.js';

export interface VerifyIo {
  print: (text: string) => void;
  /** What is being verified, on a terminal only. */
  progress?: (text: string) => void;
}

/**
 * `db-backup verify [<file> | --latest | --all]`: proves backups (checksum, then a restore into a
 * scratch database: a temporary one on the configured server, else an in-memory PGlite) and records
 * each result in the folder's manifest. Exits 1 when any backup fails.
 */
export async function runVerifyCommand(
  file: string | undefined,
  flags: { latest: boolean; all: boolean; json: boolean; server: boolean },
  config: BackupConfig,
  io: VerifyIo,
): Promise<void> {
  if ([file !== undefined, flags.latest, flags.all].filter(Boolean).length > 1) {
    throw new UsageError('verify takes one of: a backup, --latest, --all');
  }
  const archiveDir = join(config.backupDir, ARCHIVE_FOLDER);
  const paths = file ? [resolveBackupFile(file, config.backupDir)] : await backupsToVerify(config.backupDir, archiveDir, flags.all);
  if (paths.length === 0) throw new AppError(404, 'NO_BACKUPS', `no backups in ${config.backupDir} to verify`, { expose: true });
  const manifest = new BackupManifest(config.backupDir, archiveDir);
  const scratch: ScratchDatabase = flags.server ? new ServerScratch(config.connection) : new PgliteScratch();
  const results: VerifyResult[] = [];
  for (const [index, path] of paths.entries()) {
    io.progress?.(`verifying ${path} (${index + 1} of ${paths.length})`);
    const result = await verifyBackup(path, manifest, scratch);
    io.progress?.('');
    results.push(result);
    await recordVerification(manifest, config.backupDir, result).catch((error: unknown) =>
      io.print(`(the result was not recorded in ${config.backupDir}: ${(error as Error).message})`),
    );
    if (!flags.json) io.print(formatResult(result));
  }
  if (flags.json) io.print(JSON.stringify(results, null, 2));
  const failed = results.filter((result) => !result.ok).length;
  if (failed > 0) {
    throw new AppError(500, 'VERIFY_FAILED', `${failed} of ${results.length} backups failed verification`, { expose: true });
  }
}

/** The newest backup in the folder, or every backup in the folder and its archive, newest first. */
async function backupsToVerify(dir: string, archiveDir: string, all: boolean): Promise<string[]> {
  const listed = async (folder: string) =>
    (await regularFilesIn(folder)).flatMap((name) => {
      const parsed = parseBackupFileName(name);
      return parsed ? [{ path: join(folder, name), at: parsed.takenAt.getTime() }] : [];
    });
  const backups = [...(await listed(dir)), ...(all ? await listed(archiveDir) : [])].sort((a, b) => b.at - a.at);
  return (all ? backups : backups.slice(0, 1)).map((backup) => backup.path);
}

/** Under the folder's lock (the creator and rotator write the manifest too), waiting out a running backup. */
async function recordVerification(manifest: BackupManifest, dir: string, result: VerifyResult): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await withFolderLock(dir, () =>
        manifest.recordVerification(result.file, { at: result.at, ok: result.ok, problems: result.problems }),
      );
      return;
    } catch (error) {
      if (!(error instanceof BackupInProgressError) || attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

function formatResult(result: VerifyResult): string {
  if (!result.ok) return `FAILED  ${result.path}: ${result.problems.join('; ')}`;
  const { tables, rows, largeObjects } = result.restored!;
  return (
    `ok      ${result.path}: sha256 as recorded; restored ${tables} tables, ${rows.toLocaleString('en-US')} rows, ` +
    `${largeObjects} large objects, as recorded (${(result.durationMs / 1000).toFixed(1)} s)`
  );
}

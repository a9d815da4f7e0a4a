import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BackupManifest } from '../functions/backup/folder/BackupManifest.js';
import { ARCHIVE_FOLDER } from '../functions/backup/retention/BackupRotator.js';
import { restoreBackup } from '../functions/backup/restore/restoreBackup.js';
import { AppError } from '../functions/errors/AppError.js';
import type { BackupConfig } from '../functions/config/loadConfig.js';
import { resolveBackupFile } from './resolveBackupFile.js';
import { UsageError } from './UsageError.js';

export interface RestoreIo {
  print: (text: string) => void;
  /** Progress, on a terminal only: rewritten in place. */
  progress?: (text: string) => void;
}

/**
 * `db-backup restore <file> --into <postgres-url> [--clean]`: restores one backup (a path, or a backup's
 * name in the backup folder or its archive) and prints a one-line summary.
 */
/** A backup of the folder whose sha256 is recorded must still be that file: a damaged one is refused. */
async function checkRecordedChecksum(path: string, backupDir: string): Promise<void> {
  const archiveDir = join(backupDir, ARCHIVE_FOLDER);
  if (![backupDir, archiveDir].includes(dirname(resolve(path)))) return;
  const { sha256 } = await new BackupManifest(backupDir, archiveDir).entry(basename(path)).catch(() => ({ sha256: undefined }));
  if (!sha256) return;
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  const now = hash.digest('hex');
  if (now !== sha256) {
    throw new AppError(
      500,
      'CHECKSUM_MISMATCH',
      `${path} is not the file that was written (sha256 recorded ${sha256}, now ${now}): not restored; ` +
        "npm run -s db-backup -- verify says more, and the README's manual psql recipe restores it anyway",
      { expose: true },
    );
  }
}

export async function runRestoreCommand(
  file: string,
  flags: {
    into?: string;
    clean: boolean;
    json: boolean /** A database is configured: the service's own, never restored over without --clean. */;
    protect: boolean;
  },
  config: BackupConfig,
  io: RestoreIo,
): Promise<void> {
  if (!flags.into)
    throw new UsageError('restore needs --into <postgres-url>, e.g. --into postgresql://postgres@127.0.0.1:5432/notes_restored');
  if (!/^postgres(ql)?:\/\//.test(flags.into))
    throw new UsageError(`--into must be a postgresql:// URL (got "${flags.into.slice(0, 40)}")`);
  const path = resolveBackupFile(file, config.backupDir);
  await checkRecordedChecksum(path, config.backupDir);
  const summary = await restoreBackup({
    file: path,
    into: flags.into,
    clean: flags.clean,
    protectedConnection: flags.protect ? config.connection : undefined,
    onProgress: io.progress ? (share) => io.progress!(`restoring ${path}: ${Math.round(share * 100)}%`) : undefined,
  });
  io.progress?.('');
  const notes = [
    ...(summary.createdRoles.length > 0
      ? [`created the roles ${summary.createdRoles.join(', ')} (NOLOGIN: grant LOGIN and a password to use them)`]
      : []),
    ...(summary.skippedSettings.length > 0 ? [`left out the settings ${summary.skippedSettings.join(', ')} (unknown to this server)`] : []),
  ];
  const line =
    `restored ${path} into ${summary.database}: ${summary.tables} tables, ${summary.rows.toLocaleString('en-US')} rows, ` +
    `${summary.largeObjects} large objects in ${(summary.durationMs / 1000).toFixed(1)} s`;
  io.print(flags.json ? JSON.stringify({ file: path, ...summary }, null, 2) : [line, ...notes].join('; '));
}

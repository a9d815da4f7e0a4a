import { basename } from 'node:path';
import type { BackupFolder } from '../functions/backup/folder/BackupFolder.js';
import { restoreBackup } from '../functions/backup/restore/restoreBackup.js';
import { AppError } from '../functions/errors/AppError.js';
import type { BackupConfig } from '../functions/config/loadConfig.js';
import { checksumBeside } from '../functions/backup/folder/checksumBeside.js';
import { latestGoodBackup } from './latestGoodBackup.js';
import { resolveBackupFile } from './resolveBackupFile.js';
import { UsageError } from './UsageError.js';

export interface RestoreIo {
  print: (text: string) => void;
  /** Progress, on a terminal only: rewritten in place. */
  progress?: (text: string) => void;
}

/**
 * The sha256 recorded for a backup: by the folder under its name (a copy of one of its backups too, as
 * `verify` holds it), or in a SHA256SUMS beside a copied-off file. Undefined when none was recorded.
 * restoreBackup compares it with the file as it reads it (one pass, no extra read).
 */
async function recordedChecksum(path: string, folder: BackupFolder): Promise<string | undefined> {
  const recorded = (await folder.manifest.entry(basename(path)).catch(() => ({ sha256: undefined }))).sha256;
  return recorded ?? (await checksumBeside(path));
}

/**
 * `db-backup restore <file | --latest> --into <postgres-url> [--clean]`: restores one backup (a path, a
 * backup's name in the backup folder or its archive, or the newest good one of `database`) and prints a
 * one-line summary.
 */
export async function runRestoreCommand(
  file: string | undefined,
  flags: {
    into?: string;
    clean: boolean;
    json: boolean;
    /** A database is configured: the service's own, never restored over without --clean. */
    protect: boolean;
    /** With --latest: the database whose newest good backup is restored. */
    latestOf?: string;
  },
  config: BackupConfig,
  folder: BackupFolder,
  io: RestoreIo,
): Promise<void> {
  if (!flags.into)
    throw new UsageError('restore needs --into <postgres-url>, e.g. --into postgresql://postgres@127.0.0.1:5432/notes_restored');
  if (!/^postgres(ql)?:\/\//.test(flags.into))
    throw new UsageError(`--into must be a postgresql:// URL (got "${flags.into.slice(0, 40)}")`);
  const path = file !== undefined ? resolveBackupFile(file, folder) : await latest(flags.latestOf!, folder, config);
  const expectedSha256 = await recordedChecksum(path, folder);
  // Ctrl-C or a stop: psql is stopped (its transaction rolls back) and what the restore created is
  // dropped before the process ends. Once: npm forwards the terminal's Ctrl-C a second time.
  const stop = new AbortController();
  const interrupted = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    process.stderr.write(`\ndb-backup: restore interrupted (${signal}); rolling back and dropping what it created\n`);
    stop.abort();
  };
  process.on('SIGINT', interrupted).on('SIGTERM', interrupted);
  let summary: Awaited<ReturnType<typeof restoreBackup>>;
  try {
    summary = await restoreBackup({
      expectedSha256,
      file: path,
      into: flags.into,
      clean: flags.clean,
      protectedConnection: flags.protect ? config.connection : undefined,
      onProgress: io.progress ? (share) => io.progress!(`restoring ${path}: ${Math.round(share * 100)}%`) : undefined,
      signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  }
  io.progress?.('');
  const notes = [
    ...(summary.createdRoles.length > 0
      ? [`created the roles ${summary.createdRoles.join(', ')} (NOLOGIN: grant LOGIN and a password to use them)`]
      : []),
    ...(summary.skippedSettings.length > 0 ? [`left out the settings ${summary.skippedSettings.join(', ')} (unknown to this server)`] : []),
    ...(expectedSha256
      ? []
      : [
          `no checksum was recorded for it (none in ${folder.dir} nor a SHA256SUMS beside it): only its completion and its rows were checked`,
        ]),
    ...(summary.droppedLeftovers.length > 0
      ? [`dropped ${summary.droppedLeftovers.join(', ')}, left by an earlier --clean that was stopped`]
      : []),
    ...(summary.keptAs
      ? [`the old ${summary.database} could not be dropped (${summary.keptBecause}): it is kept as ${summary.keptAs}`]
      : []),
    ...(summary.replaced && !summary.keptAs ? [`the old ${summary.database} was replaced (dropped once the backup had restored)`] : []),
  ];
  const line =
    `restored ${path} into ${summary.database}: ${summary.tables} tables, ${summary.rows.toLocaleString('en-US')} rows, ` +
    `${summary.largeObjects} large objects in ${(summary.durationMs / 1000).toFixed(1)} s`;
  io.print(flags.json ? JSON.stringify({ file: path, ...summary }, null, 2) : [line, ...notes].join('; '));
}

/** The newest backup of `database` not known bad, or a clear error when there is none. */
async function latest(database: string, folder: BackupFolder, config: BackupConfig): Promise<string> {
  const found = await latestGoodBackup(folder, database, Date.now() + config.policy.clockToleranceMs);
  if (!found) throw new AppError('NO_BACKUPS', `no backup of ${database} in ${folder.dir} to restore`, { expose: true });
  return found;
}

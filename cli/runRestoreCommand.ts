import { basename } from 'node:path';
import type { BackupFolder } from '../functions/backup/folder/BackupFolder.js';
import type { AgeIdentity } from '../functions/backup/encryption/readIdentityFile.js';
import { identityNeeded, isEncryptedBackup } from '../functions/backup/encryption/identityNeeded.js';
import { restoreBackup } from '../functions/backup/restore/restoreBackup.js';
import { AppError } from '../functions/errors/AppError.js';
import type { BackupConfig } from '../functions/config/loadConfig.js';
import { checksumBeside } from '../functions/backup/folder/checksumBeside.js';
import { backupsNamedAfter } from './backupsNamedAfter.js';
import { counted } from './counted.js';
import { latestGoodBackup } from './latestGoodBackup.js';
import { formatDuration } from '../functions/log/formatDuration.js';
import { resolveBackupFile } from './resolveBackupFile.js';
import { InterruptedError } from './InterruptedError.js';
import { UsageError } from './UsageError.js';
import type { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { RestoreFailedError } from '../functions/backup/restore/RestoreFailedError.js';
import { chooseRemoteBackups } from './chooseRemoteBackups.js';
import { fetchRemoteBackup, type RemoteCopy } from './fetchRemoteBackup.js';
import { OffsiteError } from '../functions/backup/offsite/offsiteError.js';

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
 * `db-backup restore <file | s3://… | --latest [--remote]> --into <postgres-url> [--clean]`: restores one
 * backup (a path, a backup's name in the backup folder or its archive, the newest good one of `database`,
 * or a backup in the bucket, downloaded to a private temporary file that is removed afterwards) and
 * prints a one-line summary. A copy from the bucket whose sha256 is not its record's is refused before
 * anything is restored. An encrypted backup (`.age`, in the folder or the bucket) is decrypted in the
 * stream with `flags.identity`; without one it is refused before anything is downloaded or touched.
 */
export async function runRestoreCommand(
  file: string | undefined,
  flags: {
    into?: string;
    clean: boolean;
    json: boolean;
    /** A database is configured: the service's own, never restored over without --clean. */
    protect: boolean;
    /** With --latest: the database whose newest good backup is restored (with --remote, undefined on a brand-new machine). */
    latestOf?: string;
    /** With --latest: the newest backup in the bucket, not in the folder. */
    remote?: boolean;
    /** Opens an encrypted (`.age`) backup (`--identity`, BACKUP_IDENTITY_FILE), read once up front. */
    identity?: AgeIdentity;
  },
  config: BackupConfig,
  folder: BackupFolder,
  io: RestoreIo & { env?: NodeJS.ProcessEnv; bucket?: () => BackupBucket | undefined },
): Promise<void> {
  if (!flags.into)
    throw new UsageError('restore needs --into <postgres-url>, e.g. --into postgresql://postgres@127.0.0.1:5432/notes_restored');
  if (!/^postgres(ql)?:\/\//.test(flags.into))
    throw new UsageError(`--into must be a postgresql:// URL (got "${flags.into.slice(0, 40)}")`);
  // Ctrl-C or a stop: a download is stopped and its copy removed; psql is stopped (its transaction rolls
  // back) and what the restore created is dropped before the process ends. Once: npm forwards the
  // terminal's Ctrl-C a second time.
  const stop = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const interrupted = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    stoppedBy = signal;
    process.stderr.write(`\ndb-backup: restore interrupted (${signal}); rolling back and dropping what it created\n`);
    stop.abort();
  };
  process.on('SIGINT', interrupted).on('SIGTERM', interrupted);
  const fromBucket = file?.startsWith('s3://') || flags.remote;
  let copy: RemoteCopy | undefined;
  let summary: Awaited<ReturnType<typeof restoreBackup>>;
  let path: string;
  let shown: string;
  let expectedSha256: string | undefined;
  try {
    if (fromBucket) {
      const [choice] = await chooseRemoteBackups(
        file ? { url: file } : { latest: true, ...(flags.latestOf ? { database: flags.latestOf } : {}) },
        io.bucket ?? (() => undefined),
        io.env ?? process.env,
        {
          command: 'restore --remote',
          toleranceMs: config.policy.clockToleranceMs,
          signal: stop.signal,
          warn: (line) => process.stderr.write(`db-backup: ${line}\n`),
        },
      );
      const url = choice!.bucket.url(choice!.key);
      // Not downloaded only to be refused: an encrypted backup needs the identity first.
      if (isEncryptedBackup(choice!.file) && !flags.identity) throw identityNeeded(url);
      copy = await fetchRemoteBackup(choice!, {
        signal: stop.signal,
        onProgress: io.progress && ((bytes, total) => io.progress!(`downloading ${url}: ${Math.floor((bytes / total) * 100)}%`)),
      }).catch((error: unknown) => {
        // Its copy could not be checked against what was written: refused before anything is downloaded.
        if (error instanceof OffsiteError && error.code === 'OFFSITE_RECORD_DAMAGED')
          error.message =
            `${error.message}. ${url} is not restored, nothing changed: restore another backup by its URL (list --remote ` +
            'prints them), or, to restore this one unchecked, download it yourself (e.g. aws s3 cp) and restore the file ' +
            '(its completion and rows are then all that is checked)';
        throw error;
      });
      if (copy.mismatch)
        throw new RestoreFailedError(`${copy.url}: ${copy.mismatch}: not restored, nothing changed`, { code: 'CHECKSUM_MISMATCH' });
      [path, shown, expectedSha256] = [copy.path, copy.url, copy.record?.sha256];
    } else {
      path = file !== undefined ? resolveBackupFile(file, folder) : await latest(flags.latestOf!, folder, config);
      [shown, expectedSha256] = [path, await recordedChecksum(path, folder)];
    }
    summary = await restoreBackup({
      expectedSha256,
      ...(flags.identity ? { identity: flags.identity } : {}),
      file: path,
      into: flags.into,
      clean: flags.clean,
      protectedConnection: flags.protect ? config.connection : undefined,
      onProgress: io.progress ? (share) => io.progress!(`restoring ${shown}: ${Math.round(share * 100)}%`) : undefined,
      signal: stop.signal,
    });
  } catch (error) {
    // The user knows the backup by its URL, not by the temporary copy's path.
    if (copy && error instanceof Error) error.message = error.message.replaceAll(copy.path, copy.url);
    if (!stoppedBy) throw error;
    // Interrupted: exits 130 (143 for SIGTERM) once the copy is removed, saying where it stopped.
    const why =
      fromBucket && !copy
        ? 'while downloading the backup: its temporary copy is removed and nothing was restored'
        : (error as Error).message;
    throw new InterruptedError(stoppedBy, `restore interrupted (${stoppedBy}): ${why}`, { cause: error });
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await copy?.remove();
  }
  io.progress?.('');
  const notes = [
    ...(summary.createdRoles.length > 0
      ? [`created the roles ${summary.createdRoles.join(', ')} (NOLOGIN: grant LOGIN and a password to use them)`]
      : []),
    ...(summary.skippedSettings.length > 0 ? [`left out the settings ${summary.skippedSettings.join(', ')} (unknown to this server)`] : []),
    ...(expectedSha256
      ? []
      : copy
        ? [`the bucket has no record of it (no sha256 to check it against): only its completion and its rows were checked`]
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
    `restored ${shown} into ${summary.database}: ${summary.tables} tables, ${summary.rows.toLocaleString('en-US')} rows, ` +
    `${summary.largeObjects} large objects in ${(summary.durationMs / 1000).toFixed(1)} s`;
  io.print(
    flags.json
      ? JSON.stringify({ file: shown, ...(copy ? { sha256: copy.sha256 } : {}), ...summary }, null, 2)
      : [line, ...notes].join('; '),
  );
}

/**
 * The newest backup of `database` not known bad, or a clear error when there is none. Newer backups
 * passed over as named after now (this machine's clock may be behind) are said on stderr, never skipped silently.
 */
async function latest(database: string, folder: BackupFolder, config: BackupConfig): Promise<string> {
  const tolerance = config.policy.clockToleranceMs;
  const now = Date.now();
  const found = await latestGoodBackup(folder, database, now + tolerance);
  const later = await backupsNamedAfter(folder, database, now + tolerance);
  const passedOver =
    later.length === 0
      ? ''
      : `${counted(later.length, 'newer backup')} of ${database} in ${folder.dir} ${later.length === 1 ? 'is' : 'are'} named after ` +
        `this machine's now (${new Date(now).toISOString()}, give or take ${formatDuration(tolerance)}), the newest ${later[0]}: ` +
        `this machine's clock may be behind (check it: date -u), or a clock ran ahead when ${later.length === 1 ? 'it was' : 'they were'} named`;
  const byName = `to restore the newest, name it: restore ${later[0]} --into <postgres-url>`;
  if (!found)
    throw new AppError(
      'NO_BACKUPS',
      `no backup of ${database} in ${folder.dir} to restore${passedOver ? ` named before now; ${passedOver}: ${byName}` : ''}`,
      {
        expose: true,
      },
    );
  if (passedOver) process.stderr.write(`db-backup: ${passedOver}. Took ${basename(found)} instead; ${byName}\n`);
  return found;
}

import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BackupFolder } from '../functions/backup/folder/BackupFolder.js';
import { regularFilesIn } from '../functions/backup/folder/folderFiles.js';
import { whileFolderBusy } from '../functions/backup/folder/whileFolderBusy.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { PgliteScratch } from '../functions/backup/verify/PgliteScratch.js';
import { ServerScratch } from '../functions/backup/verify/ServerScratch.js';
import { type VerifyResult, verifyBackup } from '../functions/backup/verify/verifyBackup.js';
import type { AgeIdentity } from '../functions/backup/encryption/readIdentityFile.js';
import type { BackupConfig } from '../functions/config/loadConfig.js';
import { AppError } from '../functions/errors/AppError.js';
import { latestGoodBackup } from './latestGoodBackup.js';
import { resolveBackupFile } from './resolveBackupFile.js';
import { UsageError } from './UsageError.js';
import type { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import type { Witness } from '../functions/backup/offsite/bucketWitness.js';
import { formatVerifyResult } from './formatVerifyResult.js';
import { runRemoteVerify } from './runRemoteVerify.js';
import { secondWitness, type WitnessVerdict } from './secondWitness.js';
import { throwUnlessVerified } from './throwUnlessVerified.js';

export interface VerifyIo {
  print: (text: string) => void;
  /** What is being verified, on a terminal only. */
  progress?: (text: string) => void;
}

/**
 * `db-backup verify [<file> | --latest | --all]`: proves backups (checksum, then a restore into a
 * scratch database: a temporary one on the configured server, else an in-memory PGlite) and records
 * each result in the folder's manifest. Encrypted backups are decrypted with `flags.identity`; without
 * it their checksum alone is checked and they are said UNVERIFIED (not failed, nothing recorded).
 * Exits 1 when any backup fails.
 */
export async function runVerifyCommand(
  file: string | undefined,
  flags: {
    latest: boolean;
    all: boolean;
    json: boolean;
    server: boolean;
    /** With --latest: the database whose newest backup is verified (the one `restore --latest` would take, or a newer known-bad one). */
    latestOf?: string;
    /** The bucket's backups (downloaded), not the folder's. */
    remote?: boolean;
    /** Opens encrypted (`.age`) backups (`--identity`, BACKUP_IDENTITY_FILE); without it only their sha256 is checked. */
    identity?: AgeIdentity;
  },
  config: BackupConfig,
  folder: BackupFolder,
  io: VerifyIo & { env?: NodeJS.ProcessEnv; bucket?: () => BackupBucket | undefined },
): Promise<void> {
  if ([file !== undefined, flags.latest, flags.all].filter(Boolean).length > 1) {
    throw new UsageError('verify takes one of: a backup, --latest, --all');
  }
  if (flags.remote || file?.startsWith('s3://')) return runRemoteVerify(file, flags, config, io);
  // The bucket's record of each backup is a second witness (when BACKUP_S3_URL is set).
  const bucket = io.bucket?.();
  const { archiveDir, manifest } = folder;
  // A missing folder says so (a volume not mounted), rather than "no backups".
  if (!file) await folder.check();
  const now = Date.now() + config.policy.clockToleranceMs;
  const latest = flags.latest && flags.latestOf ? await latestGoodBackup(folder, flags.latestOf, now, { skipKnownBad: false }) : undefined;
  const paths = file
    ? [resolveBackupFile(file, folder)]
    : flags.latest && flags.latestOf
      ? latest
        ? [latest]
        : []
      : await backupsToVerify(folder, flags.all, now);
  if (paths.length === 0) throw new AppError('NO_BACKUPS', `no backups in ${config.backupDir} to verify`, { expose: true });
  const scratch = flags.server ? new ServerScratch(config.connection, undefined, config.pgDumpPath) : new PgliteScratch();
  // Interrupted (Ctrl-C, a stop), the scratch database is dropped before the process ends.
  // Once: npm forwards the terminal's Ctrl-C again, and a second signal must not cut the drop short.
  let stopping = false;
  const interrupted = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\ndb-backup: verify interrupted (${signal}); dropping its scratch database\n`);
    void Promise.resolve(scratch instanceof ServerScratch ? scratch.abandon() : undefined).finally(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  process.on('SIGINT', interrupted).on('SIGTERM', interrupted);
  const results: VerifyResult[] = [];
  // A bucket that did not answer for one backup is not asked again for the next (a hung server would
  // cost its limit for every backup of --all).
  let unanswered = false;
  try {
    for (const [index, listed] of paths.entries()) {
      io.progress?.(`verifying ${listed} (${index + 1} of ${paths.length})`);
      // A rotation running meanwhile may have moved it to the archive, or deleted it.
      const path = existsSync(listed) ? listed : folder.archivedPath(basename(listed));
      if (!existsSync(path)) {
        io.progress?.('');
        if (!flags.json) io.print(`gone    ${listed}: deleted by a rotation while verify ran`);
        continue;
      }
      const result: VerifyResult & { offsite?: Witness } = await verifyBackup(path, manifest, scratch, undefined, flags.identity);
      const verdict: WitnessVerdict | undefined = bucket && !unanswered ? await secondWitness(bucket, path, manifest) : undefined;
      unanswered ||= verdict?.witness.record === 'unknown';
      if (verdict) {
        result.offsite = verdict.witness;
        if (verdict.problem)
          Object.assign(result, { ok: false, problems: [...result.problems, verdict.problem], unverified: undefined, sealed: undefined });
      }
      io.progress?.('');
      results.push(result);
      // Only a backup of the folder gets a recorded result: a copy elsewhere proves nothing of it. An
      // unverified one (an encrypted backup checked without --identity among them) gets none either.
      if (!result.unverified && [resolve(config.backupDir), resolve(archiveDir)].includes(dirname(resolve(path)))) {
        await recordVerification(folder, result).catch((error: unknown) =>
          io.print(`(the result was not recorded in ${config.backupDir}: ${(error as Error).message})`),
        );
      }
      const note = bucket && !verdict ? "the bucket's record was not asked for (it could not be read above)" : verdict?.note;
      if (!flags.json) io.print(formatVerifyResult(result) + (note ? `; ${note}` : ''));
    }
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  }
  if (flags.json) io.print(JSON.stringify(results, null, 2));
  throwUnlessVerified(results);
}

/**
 * The newest backup in the folder, or every backup in the folder and its archive, newest first. A
 * name after `until` (written while a clock ran ahead) is never "the newest": it is verified with --all.
 */
async function backupsToVerify(folder: BackupFolder, all: boolean, until: number): Promise<string[]> {
  const { dir, archiveDir } = folder;
  const listed = async (folder: string) =>
    (await regularFilesIn(folder)).flatMap((name) => {
      const parsed = parseBackupFileName(name);
      return parsed ? [{ path: join(folder, name), at: parsed.takenAt.getTime() }] : [];
    });
  const backups = [...(await listed(dir)), ...(all ? await listed(archiveDir) : [])].sort((a, b) => b.at - a.at);
  return (all ? backups : backups.filter((backup) => backup.at <= until).slice(0, 1)).map((backup) => backup.path);
}

/** Under the folder's lock (the creator and rotator write the manifest too), waiting up to a minute for a running backup. */
async function recordVerification(folder: BackupFolder, result: VerifyResult): Promise<void> {
  await whileFolderBusy(
    () =>
      folder.withLock(() => folder.manifest.recordVerification(result.file, { at: result.at, ok: result.ok, problems: result.problems })),
    { waitMs: 60_000, givenUp: (error) => error },
  );
}

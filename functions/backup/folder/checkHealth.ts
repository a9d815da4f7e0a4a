import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../errors/AppError.js';
import { BackupStatus, type LastAttempt } from './BackupStatus.js';
import { checkFolder } from './checkFolder.js';

export interface Health {
  /** False when backups cannot be taken, or the last attempt failed: GET /health answers 503. */
  healthy: boolean;
  /** True when backups are taken but something needs attention (the last rotation was not done). */
  degraded: boolean;
  /** `createdByFirstBackup`: the default folder, not made yet; the first backup makes it (its nearest existing parent is writable). */
  backupDir: { writable: boolean; createdByFirstBackup?: boolean; error?: string };
  lastAttempt: LastAttempt | null;
  /** What stops backups; each a line for the operator. */
  problems: string[];
  /** What needs attention although backups are taken. */
  warnings: string[];
  /** With offsite copies (BACKUP_S3_URL): how many of this database's backups have no copy in the bucket yet. */
  offsite?: { notOffsite: number };
}

/**
 * Checks the backup folder: does it exist and can a file be written there now, and how did the last
 * backup attempt of `database` go (from the status file every attempt leaves). Writes and removes one small probe
 * file; never creates the folder. `notCreatedYet`: `dir` is the default folder and no backup has made it yet
 * (BackupFolder.notCreatedYet): healthy when the first backup can make it, as `GET /db-backups` lists no backups.
 * `notOffsite`: with offsite copies, the number of backups without one (degraded while there are any).
 */
export async function checkHealth(
  dir: string,
  database: string,
  { notCreatedYet = false, notOffsite }: { notCreatedYet?: boolean; notOffsite?: number } = {},
): Promise<Health> {
  let folderError: string | undefined;
  try {
    if (notCreatedYet) return await firstBackupCanCreate(dir);
    await checkFolder(dir);
    const probe = join(dir, `.health-probe-${randomUUID()}`);
    try {
      await fs.writeFile(probe, 'ok', { flag: 'wx', mode: 0o600 });
    } finally {
      await fs.rm(probe, { force: true }).catch(() => undefined);
    }
  } catch (error) {
    folderError =
      error instanceof AppError
        ? error.message
        : `the backup folder is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  let lastAttempt: LastAttempt | null = null;
  let statusError: string | undefined;
  try {
    lastAttempt = (await new BackupStatus(dir, database).read()) ?? null;
  } catch (error) {
    statusError = (error as Error).message;
  }
  const problems = [
    ...(folderError ? [folderError] : []),
    ...(statusError ? [statusError] : []),
    ...(lastAttempt && !lastAttempt.ok ? [`the last backup failed: ${lastAttempt.error?.message ?? 'unknown error'}`] : []),
    ...(lastAttempt?.ok && lastAttempt.verification && !lastAttempt.verification.ok && !lastAttempt.verification.unverified
      ? [`the last backup was written but failed verification: ${lastAttempt.verification.problems.join('; ')}`]
      : []),
  ];
  const warnings = [
    ...(lastAttempt?.ok && lastAttempt.rotationProblem ? [`the last rotation was not done: ${lastAttempt.rotationProblem.message}`] : []),
    ...(lastAttempt?.ok && lastAttempt.verification?.unverified
      ? [`the last backup could not be verified: ${lastAttempt.verification.problems.join('; ')}`]
      : []),
    ...(notOffsite ? [notOffsiteWarning(notOffsite, lastAttempt)] : []),
  ];
  return {
    healthy: problems.length === 0,
    degraded: warnings.length > 0,
    backupDir: { writable: !folderError, ...(folderError ? { error: folderError } : {}) },
    lastAttempt,
    problems,
    warnings,
    ...(notOffsite === undefined ? {} : { offsite: { notOffsite } }),
  };
}

/** `2 backups are not offsite yet (the last copy failed: …); the next backup uploads them`. */
function notOffsiteWarning(count: number, lastAttempt: LastAttempt | null): string {
  const failed = lastAttempt?.offsite?.status === 'failed' ? ` (the last copy failed: ${lastAttempt.offsite.reason ?? 'unknown'})` : '';
  return `${count === 1 ? '1 backup is' : `${count} backups are`} not offsite yet${failed}; the next backup uploads them, oldest first`;
}

/**
 * The health of a default folder no backup has made yet: its nearest existing parent must be a folder
 * this process can write, else the first backup fails and that is said now.
 */
async function firstBackupCanCreate(dir: string): Promise<Health> {
  let parent = dirname(dir);
  while (!(await pathExists(parent)) && dirname(parent) !== parent) parent = dirname(parent);
  const problem = await fs.stat(parent).then(
    async (stats) => {
      if (!stats.isDirectory()) return `the first backup cannot create ${dir}: ${parent} is not a folder`;
      return fs.access(parent, fsConstants.W_OK).then(
        () => undefined,
        (error: NodeJS.ErrnoException) => `the first backup cannot create ${dir}: ${parent} is not writable (${error.code})`,
      );
    },
    (error: NodeJS.ErrnoException) => `the first backup cannot create ${dir}: ${parent} cannot be read (${error.code})`,
  );
  return problem
    ? {
        healthy: false,
        degraded: false,
        backupDir: { writable: false, error: problem },
        lastAttempt: null,
        problems: [problem],
        warnings: [],
      }
    : {
        healthy: true,
        degraded: false,
        backupDir: { writable: true, createdByFirstBackup: true },
        lastAttempt: null,
        problems: [],
        warnings: [],
      };
}

async function pathExists(path: string): Promise<boolean> {
  return fs.stat(path).then(
    () => true,
    () => false,
  );
}

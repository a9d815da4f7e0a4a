import { join } from 'node:path';
import { AppError } from '../../errors/AppError.js';
import type { Logger } from '../../log/Logger.js';
import { backupPrefix } from '../retention/backupFileName.js';
import { readBookkeepingFile, writeBookkeepingFile } from './bookkeepingFile.js';

/** The outcome of the last backup attempt, kept in the backup folder so every process sharing it sees it. */
export interface LastAttempt {
  at: string;
  ok: boolean;
  file?: string;
  bytes?: number;
  error?: { code: string; message: string };
  /** The backup was written, but the rotation before it could not be done (or was held back). */
  rotationProblem?: { code: string; message: string };
  /** With BACKUP_VERIFY=after-create: whether the new backup restored with every row. */
  verification?: { ok: boolean; problems: string[]; unverified?: boolean };
  /** With offsite copies: how the new backup's copy went (its reason when it failed). */
  offsite?: { status: 'uploaded' | 'failed'; url: string; reason?: string };
}

/** The status file of a database's backups in a folder: one per database, as several may share the folder. */
export const statusFile = (database: string) => `.db-backup-status-${backupPrefix(database)}.json`;

/**
 * Reads and writes the last attempt of one database's backups, `.db-backup-status-<prefix>.json` in
 * the backup folder (replaced atomically, symlinks never followed).
 */
export class BackupStatus {
  private readonly path: string;

  constructor(dir: string, database: string) {
    this.path = join(dir, statusFile(database));
  }

  /** The last attempt, or undefined when none was recorded; throws PlantedSymlinkError for a symlink in its place. */
  async read(): Promise<LastAttempt | undefined> {
    const text = await readBookkeepingFile(this.path);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as LastAttempt;
    } catch {
      return undefined;
    }
  }

  /** Records a backup that was written: the file, and what went wrong around it (the rotation, the verification). */
  async recordWritten(
    result: {
      backup: { startedAt: string; file: string; bytes: number; offsite?: { status: 'uploaded' | 'failed'; url: string; reason?: string } };
      rotationProblem?: { code: string; message: string };
      verification?: { ok: boolean; problems: string[]; unverified?: boolean };
    },
    logger: Logger,
  ): Promise<void> {
    const { backup, rotationProblem, verification } = result;
    await this.record(
      {
        at: backup.startedAt,
        ok: true,
        file: backup.file,
        bytes: backup.bytes,
        ...(rotationProblem ? { rotationProblem } : {}),
        ...(backup.offsite
          ? {
              offsite: {
                status: backup.offsite.status,
                url: backup.offsite.url,
                ...(backup.offsite.reason ? { reason: backup.offsite.reason } : {}),
              },
            }
          : {}),
        ...(verification
          ? {
              verification: {
                ok: verification.ok,
                problems: verification.problems,
                ...(verification.unverified ? { unverified: true } : {}),
              },
            }
          : {}),
      },
      logger,
    );
  }

  /** Records a failed attempt: the error's code and message when it is one of ours and safe to show, else INTERNAL_ERROR. */
  async recordFailed(error: unknown, at: Date, logger: Logger): Promise<void> {
    const known = error instanceof AppError && error.expose;
    await this.record(
      {
        at: at.toISOString(),
        ok: false,
        error: { code: known ? error.code : 'INTERNAL_ERROR', message: known ? error.message : 'unexpected error; see the log' },
      },
      logger,
    );
  }

  private async record(attempt: LastAttempt, logger: Logger): Promise<void> {
    const failure = await this.write(attempt);
    if (failure) logger.warn('status.not_recorded', { error: failure });
  }

  /** Records an attempt; a failure to record is not a failure of the backup, so it is only returned. */
  async write(attempt: LastAttempt): Promise<Error | undefined> {
    try {
      await writeBookkeepingFile(this.path, `${JSON.stringify(attempt)}\n`);
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }
}

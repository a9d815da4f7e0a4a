import { silentLogger, type Logger } from '../log/Logger.js';
import type { Backup, BackupCreator } from './dump/BackupCreator.js';
import type { BackupRotator, RotationResult } from './retention/BackupRotator.js';
import { BackupCancelledError, BackupInProgressError, BackupError } from './errors.js';
import { BackupStatus } from './folder/BackupStatus.js';
import { withFolderLock } from './folder/withFolderLock.js';

export interface BackupServiceParts {
  creator: BackupCreator;
  rotator: BackupRotator;
  logger?: Logger;
  clock?: () => Date;
}

/**
 * What the API does on POST /db-backup: under the backup folder's lock, rotate the existing backups,
 * then write a new one. The creator and the rotator stay independent; only this composes them.
 */
export class BackupService {
  readonly creator: BackupCreator;
  readonly rotator: BackupRotator;
  private readonly logger: Logger;
  private readonly clock: () => Date;

  constructor(parts: BackupServiceParts) {
    this.creator = parts.creator;
    this.rotator = parts.rotator;
    this.logger = parts.logger ?? silentLogger;
    this.clock = parts.clock ?? (() => new Date());
  }

  /**
   * Rotates, then backs up; throws BackupInProgressError when another run holds the folder. Every
   * attempt that got the lock is recorded in the folder's status file (read by GET /health).
   * `signal` cancels (BackupCancelledError): a rotation under way finishes, a running dump is stopped
   * and its partial file removed; nothing is left half-done.
   */
  async rotateThenBackUp(options: { signal?: AbortSignal } = {}): Promise<{ backup: Backup; rotation: RotationResult }> {
    const { signal } = options;
    const status = new BackupStatus(this.creator.dir);
    try {
      throwIfCancelled(signal);
      const result = await this.locked(async () => {
        // A backup that cannot start (database down, disk full) must not rotate either: it changes nothing.
        const checked = await this.creator.preflight();
        throwIfCancelled(signal);
        // Each database manages its own backups: another database's in a shared folder are left to it.
        const rotation = await this.rotator.rotate(undefined, { database: checked.database });
        this.logger.info('rotation.done', {
          kept: rotation.kept.length,
          archived: rotation.archived.length,
          deleted: rotation.deletedFromMain.length + rotation.deletedFromArchive.length,
          skipped: rotation.skipped.length,
          stalePartials: rotation.stalePartials,
        });
        throwIfCancelled(signal);
        const backup = await this.creator.create(checked, { signal });
        return { backup, rotation };
      });
      await this.record(status, { at: result.backup.startedAt, ok: true, file: result.backup.file, bytes: result.backup.bytes });
      return result;
    } catch (error) {
      if (!(error instanceof BackupInProgressError)) {
        const known = error instanceof BackupError;
        await this.record(status, {
          at: this.clock().toISOString(),
          ok: false,
          error: { code: known ? error.code : 'INTERNAL_ERROR', message: known ? error.message : 'unexpected error; see the log' },
        });
        this.logger.error('backup.failed', { error, detail: known ? error.detail : undefined });
      }
      throw error;
    }
  }

  private async record(status: BackupStatus, attempt: Parameters<BackupStatus['write']>[0]): Promise<void> {
    const failure = await status.write(attempt);
    if (failure) this.logger.warn('status.not_recorded', { error: failure });
  }

  /** Writes a new backup without rotating. */
  async backUp(): Promise<Backup> {
    return this.locked(() => this.creator.create());
  }

  /** Rotates without backing up. */
  async rotate(now?: Date): Promise<RotationResult> {
    return this.locked(() => this.rotator.rotate(now));
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    return withFolderLock(this.creator.dir, work, { logger: this.logger, clock: this.clock });
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BackupCancelledError('cancelled before it started (the API is stopping)');
}

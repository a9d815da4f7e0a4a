import { silentLogger, type Logger } from '../log/Logger.js';
import type { Backup, BackupCreator } from './BackupCreator.js';
import type { BackupRotator, RotationResult } from './BackupRotator.js';
import { withFolderLock } from './withFolderLock.js';

export interface BackupServiceParts {
  creator: BackupCreator;
  rotator: BackupRotator;
  logger?: Logger;
}

/**
 * What the API does on POST /db-backup: under the backup folder's lock, rotate the existing backups,
 * then write a new one. The creator and the rotator stay independent; only this composes them.
 */
export class BackupService {
  readonly creator: BackupCreator;
  readonly rotator: BackupRotator;
  private readonly logger: Logger;

  constructor(parts: BackupServiceParts) {
    this.creator = parts.creator;
    this.rotator = parts.rotator;
    this.logger = parts.logger ?? silentLogger;
  }

  /** Rotates, then backs up; throws BackupInProgressError when another run holds the folder. */
  async rotateThenBackUp(): Promise<{ backup: Backup; rotation: RotationResult }> {
    return this.locked(async () => {
      const rotation = await this.rotator.rotate();
      this.logger.info('rotation.done', {
        kept: rotation.kept.length,
        archived: rotation.archived.length,
        deleted: rotation.deleted.length,
      });
      const backup = await this.creator.create();
      return { backup, rotation };
    });
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
    return withFolderLock(this.creator.dir, work, { logger: this.logger });
  }
}

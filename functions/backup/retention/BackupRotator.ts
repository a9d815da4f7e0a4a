import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { BackupFolder } from '../folder/BackupFolder.js';
import { AppError } from '../../errors/AppError.js';
import { silentLogger, type Logger } from '../../log/Logger.js';
import { onlyDatabase } from './onlyDatabase.js';
import { planRotation, type RotationPlan } from './planRotation.js';
import type { RetentionPolicy } from './RetentionPolicy.js';
import { fsyncFolder, pathExists, regularFilesIn } from '../folder/folderFiles.js';

export interface BackupRotatorOptions {
  /** The backup folder; archived backups go to its archive. */
  folder: BackupFolder;
  policy: RetentionPolicy;
  clock?: () => Date;
  logger?: Logger;
}

/** What a rotation did: the plan as carried out (a move that found its name taken in the meantime is skipped). */
export type RotationResult = RotationPlan;

/**
 * Manages the existing backups of one folder: plans with `planRotation`, then carries the plan out.
 * Knows nothing of how backups are made. Only regular files named like backups are ever touched:
 * symlinks, folders and other files are never followed, moved or deleted.
 */
export class BackupRotator {
  readonly dir: string;
  readonly archiveDir: string;
  readonly policy: RetentionPolicy;
  private readonly folder: BackupFolder;
  private readonly clock: () => Date;
  private readonly logger: Logger;

  constructor(options: BackupRotatorOptions) {
    this.folder = options.folder;
    this.dir = options.folder.dir;
    this.archiveDir = options.folder.archiveDir;
    this.policy = options.policy;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Reads both folders and returns what a rotation at `now` would do; changes nothing. With
   * `database`, only that database's backups are planned (other databases may share the folder).
   */
  async plan(now: Date = this.clock(), scope: { database?: string } = {}): Promise<RotationPlan> {
    const [backups, archived] = await Promise.all([regularFilesIn(this.dir), this.archivedFiles()]);
    const plan = planRotation({ backups, archived }, now, this.policy);
    return scope.database === undefined ? plan : onlyDatabase(plan, scope.database);
  }

  /**
   * Plans and applies a rotation (of one database's backups with `database`): moves backups to
   * `archive/` (never overwriting), deletes expired ones and `.partial` files a crash left over a
   * day ago, fsyncs the folders it changed.
   */
  async rotate(now: Date = this.clock(), scope: { database?: string } = {}): Promise<RotationResult> {
    const plan = await this.plan(now, scope);
    const archived: string[] = [];
    const skipped = [...plan.skipped];

    const deletedFromMain: string[] = [];
    const deletedFromArchive: string[] = [];
    try {
      if (plan.archived.length > 0) await fs.mkdir(this.archiveDir, { recursive: true, mode: 0o700 });
      for (const file of plan.archived) {
        if (await this.moveToArchive(file)) archived.push(file);
        else skipped.push({ file, cause: 'archive-name-taken' });
      }
      for (const file of plan.deletedFromMain) {
        await fs.rm(join(this.dir, file), { force: true });
        deletedFromMain.push(file);
      }
      for (const file of plan.stalePartials) await fs.rm(join(this.dir, file), { force: true });
      for (const file of plan.deletedFromArchive) {
        await fs.rm(join(this.archiveDir, file), { force: true });
        deletedFromArchive.push(file);
      }
    } catch (error) {
      // What was done stays done (each step is whole: a move is a rename or a durable copy); say how far it got.
      const done = { ...plan, archived, skipped, deletedFromMain, deletedFromArchive };
      await this.reconcileManifest();
      throw new RotationIncompleteError(done, plan, error as NodeJS.ErrnoException);
    }
    if (archived.length > 0 || deletedFromMain.length > 0 || deletedFromArchive.length > 0) await this.reconcileManifest();
    for (const file of plan.stalePartials) this.logger.warn('rotation.stale_partial_removed', { file });
    // Flush only the folders whose entries changed: a rotation that moves nothing costs no disk sync.
    if (archived.length > 0 || plan.deletedFromMain.length > 0 || plan.stalePartials.length > 0) await fsyncFolder(this.dir);
    if (archived.length > 0 || plan.deletedFromArchive.length > 0) await fsyncFolder(this.archiveDir);
    for (const { file } of skipped)
      this.logger.warn('rotation.skipped', { file, reason: `${BackupFolder.archivedName(file)} already exists` });

    return { ...plan, archived, skipped };
  }

  /** Each checksum beside its backup again; a manifest that cannot be written costs the rotation nothing. */
  private async reconcileManifest(): Promise<void> {
    await this.folder.manifest.reconcile().catch((error: unknown) => this.logger.warn('manifest.not_reconciled', { error }));
  }

  private async archivedFiles(): Promise<string[]> {
    const archive = await fs.lstat(this.archiveDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!archive) return [];
    if (!archive.isDirectory()) {
      throw new AppError(
        'ARCHIVE_NOT_A_FOLDER',
        `${this.archiveDir} is not a folder (a symlink or a file): remove it or make it a folder; until then rotations archive and delete nothing`,
        {
          expose: true,
        },
      );
    }
    return regularFilesIn(this.archiveDir);
  }

  /** Moves one backup into the archive; false when a file of that name is already there. */
  private async moveToArchive(file: string): Promise<boolean> {
    const source = join(this.dir, file);
    const target = join(this.archiveDir, file);
    if (await pathExists(target)) return false;
    try {
      await fs.rename(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      // The archive is another filesystem: copy to a temporary name, make it durable, then publish it.
      const partial = `${target}.partial`;
      try {
        await fs.copyFile(source, partial, constants.COPYFILE_EXCL);
        const handle = await fs.open(partial, 'r+');
        await handle.sync().finally(() => handle.close());
        await fs.rename(partial, target);
      } catch (copyError) {
        // A full archive disk: the copy is given up (the backup stays where it was) and its space freed.
        await fs.rm(partial, { force: true }).catch(() => undefined);
        throw copyError;
      }
      await fsyncFolder(this.archiveDir);
      await fs.rm(source);
    }
    return true;
  }
}

/** A rotation that stopped part-way (a full archive disk, a file it may not remove): `done` is what it did. */
export class RotationIncompleteError extends AppError {
  constructor(
    readonly done: RotationResult,
    plan: RotationResult,
    error: NodeJS.ErrnoException,
  ) {
    const deleted = done.deletedFromMain.length + done.deletedFromArchive.length;
    super(
      'ROTATION_FAILED',
      `the rotation stopped after archiving ${done.archived.length} of ${plan.archived.length} and deleting ${deleted} of ` +
        `${plan.deletedFromMain.length + plan.deletedFromArchive.length} (${error.code ?? error.message})`,
      { expose: true, cause: error },
    );
  }
}

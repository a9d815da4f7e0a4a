import { join } from 'node:path';
import { silentLogger, type Logger } from '../../log/Logger.js';
import { BackupGeneration } from './BackupGeneration.js';
import { BackupManifest } from './BackupManifest.js';
import { BackupStatus } from './BackupStatus.js';
import { checkFolder } from './checkFolder.js';
import { DatabaseNames } from './DatabaseNames.js';
import { pathExists } from './folderFiles.js';
import { stopLeftoverDumps } from './stopLeftoverDumps.js';
import { withFolderLock } from './withFolderLock.js';

/** The archive's folder name inside a backup folder. */
const ARCHIVE = 'archive';

/**
 * One backup folder and everything kept in it: where its backups and its archive are, the manifest
 * (checksums, contents, verifications), the backup generation counter, each database's status file,
 * the names file, and the lock. Built once by the composition root and passed to whoever needs the
 * folder; nothing else joins paths into it.
 */
export class BackupFolder {
  readonly archiveDir: string;
  readonly manifest: BackupManifest;
  readonly generation: BackupGeneration;
  readonly names: DatabaseNames;

  constructor(
    readonly dir: string,
    /** Create the folder when it is missing (only the checkout's own default folder): otherwise a missing folder is an error. */
    private readonly options: { create?: boolean; logger?: Logger; clock?: () => Date } = {},
  ) {
    this.archiveDir = join(dir, ARCHIVE);
    this.manifest = new BackupManifest(dir, this.archiveDir);
    this.generation = new BackupGeneration(dir);
    this.names = new DatabaseNames(dir);
  }

  /** A backup's path in the folder. */
  path(file: string): string {
    return join(this.dir, file);
  }

  /** An archived backup's path. */
  archivedPath(file: string): string {
    return join(this.archiveDir, file);
  }

  /** An archived backup as listings name it, relative to the folder: `archive/<file>`. */
  static archivedName(file: string): string {
    return `${ARCHIVE}/${file}`;
  }

  /** `archive/<file>` back to `<file>`; undefined for any other name. */
  static fromArchivedName(name: string): string | undefined {
    return name.startsWith(`${ARCHIVE}/`) ? name.slice(ARCHIVE.length + 1) : undefined;
  }

  /** The status file of `database`'s backups (read by /health). */
  status(database: string): BackupStatus {
    return new BackupStatus(this.dir, database);
  }

  /** Checks that the folder exists (or creates the default one), is a folder, and can be written. */
  check(): Promise<void> {
    return checkFolder(this.dir, { create: this.options.create });
  }

  /**
   * Whether this is the default folder (the one the first backup creates) and no backup made it yet:
   * "no backups yet", not a missing volume. A configured folder that is missing is never that: a backup
   * into it fails (check), so a listing says so too.
   */
  async notCreatedYet(): Promise<boolean> {
    // ENOTDIR (a file where a parent folder should be): not there either; /health says why it cannot be made.
    return Boolean(this.options.create) && !(await pathExists(this.dir).catch((error: NodeJS.ErrnoException) => error.code !== 'ENOTDIR'));
  }

  /**
   * Runs `work` under the folder's lock once the folder is known to be usable (the lock lives in it);
   * throws BackupInProgressError while another run holds it. A dead holder's dump is stopped if it still
   * runs and its partial file removed when its lock is taken over.
   */
  async withLock<T>(work: (lockLost: AbortSignal) => Promise<T>): Promise<T> {
    await this.check();
    const logger = this.options.logger ?? silentLogger;
    return withFolderLock(this.dir, work, {
      logger,
      clock: this.options.clock,
      onStaleTakeover: async () => {
        const leftovers = await stopLeftoverDumps(this.dir);
        if (leftovers.removed.length > 0) logger.warn('lock.leftover_dump_removed', leftovers);
      },
    });
  }
}

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { backupPrefix } from '../../backup/retention/backupFileName.js';

/** The file in a data folder naming its backups. */
export const BACKUP_NAME_FILE = 'notes-backup-name';
/** The name of every embedded database's backups before each data folder had its own: kept by those folders. */
export const LEGACY_BACKUP_NAME = 'notes';

/** A folder that holds files but no database: never initialised over. */
export class NotADataFolderError extends Error {
  constructor(readonly dir: string) {
    super(
      `${dir} is not empty but holds no embedded database (no PG_VERSION file): it is left as it is, never initialised over. ` +
        'Move it away (an empty or missing folder gets a new database), or set NOTES_DATA_DIR to another folder',
    );
    this.name = 'NotADataFolderError';
  }
}

/**
 * The embedded database's data folder (`NOTES_DATA_DIR`): PGlite's files, and the name its backups
 * are filed under. Each data folder gets its own name, so that two of them — or one and a server
 * database called `notes` — can share a backup folder without rotating each other's backups away.
 * It is chosen once, when the folder's database is created (`notes-<8 random hex digits>`), and kept
 * in `notes-backup-name` inside the folder (PostgreSQL ignores files it does not know). A folder made
 * before this had no such file: its backups were all `notes_…`, so it keeps `notes`. Not PostgreSQL's
 * system identifier: every new folder is a copy of one template (pgliteTemplate.ts) and shares it.
 */
export class DataFolder {
  constructor(readonly dir: string) {}

  /**
   * Whether the folder holds a database. A missing or empty folder (or one holding only its name,
   * left by a creation cut short) does not; one holding anything else without PG_VERSION is refused
   * with NotADataFolderError, its files untouched.
   */
  async holdsDatabase(): Promise<boolean> {
    const entries = await fs.readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    if (entries.includes('PG_VERSION')) return true;
    const ours = (entry: string) => entry === BACKUP_NAME_FILE || (entry.startsWith(`${BACKUP_NAME_FILE}.`) && entry.endsWith('.tmp'));
    if (!entries.every(ours)) throw new NotADataFolderError(this.dir);
    return false;
  }

  /** A new folder's name: `notes-` and 8 random hex digits, a plain name that backupPrefix keeps as it is. */
  static newBackupName(): string {
    return `${LEGACY_BACKUP_NAME}-${randomBytes(4).toString('hex')}`;
  }

  /**
   * The name this folder's backups are filed under, from its name file. A database without one was
   * made before folders had names: it keeps `notes`, written down now so that it stays.
   */
  async backupName(): Promise<string> {
    const path = join(this.dir, BACKUP_NAME_FILE);
    const text = await fs.readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) {
      if (!existsSync(join(this.dir, 'PG_VERSION'))) throw new Error(`${this.dir} holds no database to name`);
      await writeName(this.dir, LEGACY_BACKUP_NAME);
      return LEGACY_BACKUP_NAME;
    }
    const name = text.trim();
    if (!name || name.includes('\n') || backupPrefix(name) !== name) {
      throw new Error(
        `${path} must hold one name of letters, digits, _ and single - (such as notes-1a2b3c4d), the prefix of this database's backups; ` +
          `remove the file to use "${LEGACY_BACKUP_NAME}"`,
      );
    }
    return name;
  }

  /** The name its backups are filed under as far as can be read without changing anything: its name file's, else `notes`. */
  async recordedBackupName(): Promise<string> {
    const text = await fs.readFile(join(this.dir, BACKUP_NAME_FILE), 'utf8').catch(() => undefined);
    const name = text?.trim();
    return name && backupPrefix(name) === name ? name : LEGACY_BACKUP_NAME;
  }

  /** Writes `name` into the folder `dir` (this folder, or a copy of a database about to become it), creating `dir` if needed. */
  static async writeName(dir: string, name: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
    await writeName(dir, name);
  }
}

/** Written aside and renamed into place: a name file is whole or absent. */
async function writeName(dir: string, name: string): Promise<void> {
  const path = join(dir, BACKUP_NAME_FILE);
  const partial = `${path}.${process.pid}.tmp`;
  await fs.writeFile(partial, `${name}\n`, { mode: 0o600 });
  await fs.rename(partial, path);
}

import { join } from 'node:path';
import { backupPrefix } from '../retention/backupFileName.js';
import { readBookkeepingFile, writeBookkeepingFile } from './bookkeepingFile.js';

export const NAMES_FILE = '.db-backup-databases.json';

/**
 * The real database name behind each backup prefix of a folder (`shop-eu--5c0a1b2d3e` → `shop.eu`),
 * kept in `.db-backup-databases.json` so that listings can show it: a prefix made from an unusual
 * name cannot be read back. Symlinks planted under its name are never followed.
 */
export class DatabaseNames {
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, NAMES_FILE);
  }

  /** prefix → database name; {} when nothing was recorded or the file is unreadable. */
  async read(): Promise<Record<string, string>> {
    try {
      const parsed: unknown = JSON.parse((await readBookkeepingFile(this.path)) ?? '{}');
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  /** Records `database` under its prefix (a no-op when already there). */
  async record(database: string): Promise<void> {
    const names = await this.read();
    const prefix = backupPrefix(database);
    if (names[prefix] === database) return;
    await writeBookkeepingFile(this.path, `${JSON.stringify({ ...names, [prefix]: database }, null, 2)}\n`);
  }
}

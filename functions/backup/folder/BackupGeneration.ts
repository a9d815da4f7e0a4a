import { join } from 'node:path';
import { readBookkeepingFile, writeBookkeepingFile } from './bookkeepingFile.js';

export const GENERATION_FILE = '.db-backup-generation';

/**
 * A counter in the backup folder that every backup run increments, under the folder's lock, before its
 * pg_dump starts: backups are ordered by it, whatever the clocks of the processes sharing the folder
 * say. A request that reads N when it arrives is answered only by a backup of a later generation —
 * one whose dump began after the request arrived, so it holds the caller's changes.
 */
export class BackupGeneration {
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, GENERATION_FILE);
  }

  /** The current generation: 0 before any; Infinity when the file cannot be read as one (then nothing counts as later). */
  async current(): Promise<number> {
    try {
      const text = await readBookkeepingFile(this.path);
      if (text === undefined) return 0;
      return /^\d{1,15}\n?$/.test(text) ? Number(text) : Number.POSITIVE_INFINITY;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  /** The next generation, recorded (called under the lock). After an unreadable file it starts again above `floor`. */
  async next(floor: number): Promise<number> {
    const current = await this.current();
    const next = (Number.isFinite(current) ? Math.max(current, floor) : floor) + 1;
    await writeBookkeepingFile(this.path, `${next}\n`);
    return next;
  }
}

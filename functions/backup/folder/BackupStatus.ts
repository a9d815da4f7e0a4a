import * as fs from 'node:fs/promises';
import { join } from 'node:path';

/** The outcome of the last backup attempt, kept in the backup folder so every process sharing it sees it. */
export interface LastAttempt {
  at: string;
  ok: boolean;
  file?: string;
  bytes?: number;
  error?: { code: string; message: string };
}

export const STATUS_FILE = '.db-backup-status.json';

/** Reads and writes `.db-backup-status.json` in a backup folder (replaced atomically). */
export class BackupStatus {
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, STATUS_FILE);
  }

  /** The last attempt, or undefined when none was recorded (or the file is unreadable). */
  async read(): Promise<LastAttempt | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.path, 'utf8')) as LastAttempt;
    } catch {
      return undefined;
    }
  }

  /** Records an attempt; a failure to record is not a failure of the backup, so it is only returned. */
  async write(attempt: LastAttempt): Promise<Error | undefined> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      await fs.writeFile(temporary, `${JSON.stringify(attempt)}\n`, { mode: 0o600 });
      await fs.rename(temporary, this.path);
      return undefined;
    } catch (error) {
      await fs.rm(temporary, { force: true });
      return error as Error;
    }
  }
}

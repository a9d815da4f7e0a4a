import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { silentLogger, type Logger } from '../log/Logger.js';
import { formatBackupFileName } from './backupFileName.js';
import type { DumpSource } from './DumpSource.js';
import { DumpFailedError } from './errors.js';
import { fsyncFolder, pathExists } from './folderFiles.js';

export interface BackupCreatorOptions {
  /** The folder the backup is written to. */
  dir: string;
  source: DumpSource;
  clock?: () => Date;
  logger?: Logger;
}

/** A backup that was written completely and durably. */
export interface Backup {
  file: string;
  path: string;
  bytes: number;
  sha256: string;
  startedAt: string;
  durationMs: number;
}

/** pg_dump writes this near the end of a complete plain dump (no longer the very last line since 17.6/16.10/15.14). */
const COMPLETE_MARKER = '-- PostgreSQL database dump complete';
const TAIL_BYTES = 8 * 1024;
const PARTIAL_SUFFIX = '.partial';

/**
 * Creates one full SQL backup in a folder. Knows nothing of rotation.
 * The dump goes to `<name>.partial` (0600, created exclusively); only a complete dump is fsynced
 * and renamed to its final name. On any failure no file of the backup name pattern is left.
 */
export class BackupCreator {
  readonly dir: string;
  private readonly source: DumpSource;
  private readonly clock: () => Date;
  private readonly logger: Logger;

  constructor(options: BackupCreatorOptions) {
    this.dir = options.dir;
    this.source = options.source;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silentLogger;
  }

  /** Dumps the database into a new, never-overwriting, timestamped file and returns what was written. */
  async create(): Promise<Backup> {
    const { database } = await this.source.prepare();
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const startedAt = this.clock();
    const { file, partialPath, handle } = await this.openPartial(database, startedAt);
    const path = join(this.dir, file);
    try {
      await this.source.dumpTo(handle.fd);
      const bytes = await checkComplete(handle);
      await handle.sync();
      await handle.close();
      const sha256 = await sha256Of(partialPath);
      await publish(partialPath, path);
      await fsyncFolder(this.dir);
      const backup = {
        file,
        path,
        bytes,
        sha256,
        startedAt: startedAt.toISOString(),
        durationMs: this.clock().getTime() - startedAt.getTime(),
      };
      this.logger.info('backup.created', { ...backup });
      return backup;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.rm(partialPath, { force: true });
      throw error;
    }
  }

  /** Opens `<name>.partial` exclusively, moving on by a millisecond while the name or its partial exists. */
  private async openPartial(database: string, startedAt: Date) {
    for (let offset = 0; offset < 1000; offset++) {
      const file = formatBackupFileName(database, new Date(startedAt.getTime() + offset));
      const partialPath = join(this.dir, file + PARTIAL_SUFFIX);
      if (await pathExists(join(this.dir, file))) continue;
      try {
        const handle = await fs.open(partialPath, 'wx+', 0o600);
        return { file, partialPath, handle };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new DumpFailedError(`no free backup name near ${startedAt.toISOString()} in ${this.dir}`);
  }
}

/** Returns the dump's size once it is non-empty and ends with pg_dump's completion marker. */
async function checkComplete(handle: fs.FileHandle): Promise<number> {
  const { size } = await handle.stat();
  if (size === 0) throw new DumpFailedError('pg_dump wrote nothing');
  const length = Math.min(size, TAIL_BYTES);
  const tail = Buffer.alloc(length);
  await handle.read(tail, 0, length, size - length);
  if (!tail.toString('utf8').includes(COMPLETE_MARKER)) {
    throw new DumpFailedError('the dump is incomplete: pg_dump did not write its completion marker');
  }
  return size;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Renames without overwriting: the caller holds the folder lock, so checking first is enough. */
async function publish(partialPath: string, path: string): Promise<void> {
  if (await pathExists(path)) throw new DumpFailedError(`${path} appeared while the dump ran; not overwriting it`);
  await fs.rename(partialPath, path);
}

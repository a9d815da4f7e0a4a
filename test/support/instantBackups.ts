import { execFileSync } from 'node:child_process';
import { open, readFile, stat } from 'node:fs/promises';
import pg from 'pg';
import { BackupService } from '../../functions/backup/BackupService.js';
import { BackupCreator } from '../../functions/backup/dump/BackupCreator.js';
import type { DumpSource } from '../../functions/backup/dump/DumpSource.js';
import { BackupFolder } from '../../functions/backup/folder/BackupFolder.js';
import type { BackupOrigin } from '../../functions/backup/folder/BackupManifest.js';
import { BackupRotator } from '../../functions/backup/retention/BackupRotator.js';
import { DEFAULT_RETENTION_POLICY, type RetentionPolicy } from '../../functions/backup/retention/RetentionPolicy.js';
import { silentLogger, type Logger } from '../../functions/log/Logger.js';
import type { DatabaseUnderTest } from './databasePaths.js';

export interface InstantServiceOptions {
  source?: DumpSource;
  clock?: () => Date;
  logger?: Logger;
  fullEveryMs?: number;
  encryptTo?: string[];
  policy?: RetentionPolicy;
  /** The folder object of `dir` (one the test watches); a new one by default. */
  folder?: BackupFolder;
}

/**
 * The backup service over `db` as production wires it (its own folder object, creator and rotator on
 * `dir`), with the test's clock, logger and BACKUP_FULL_EVERY; `source` replaces the path's own.
 */
export function instantService(db: DatabaseUnderTest, dir: string, options: InstantServiceOptions = {}): BackupService {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const folder = options.folder ?? new BackupFolder(dir);
  return new BackupService({
    folder,
    creator: new BackupCreator({
      folder,
      source: options.source ?? db.source,
      clock,
      logger,
      ...(options.fullEveryMs === undefined ? {} : { fullEveryMs: options.fullEveryMs }),
      ...(options.encryptTo ? { encryptTo: options.encryptTo } : {}),
    }),
    rotator: new BackupRotator({ folder, policy: options.policy ?? DEFAULT_RETENTION_POLICY, clock, logger }),
    database: db.database,
    clock,
    logger,
  });
}

/** The real clock moved on by however far the test has moved it. */
export function movableClock(): { clock: () => Date; moveTo(offsetMs: number): void } {
  let offsetMs = 0;
  return {
    clock: () => new Date(Date.now() + offsetMs),
    moveTo: (offset) => {
      offsetMs = offset;
    },
  };
}

/** A logger that keeps every event it hears. */
export function capturingLogger(): { logger: Logger; events: { level: string; event: string; fields?: Record<string, unknown> }[] } {
  const events: { level: string; event: string; fields?: Record<string, unknown> }[] = [];
  const hear = (level: string) => (event: string, fields?: Record<string, unknown>) => void events.push({ level, event, fields });
  return { events, logger: { info: hear('info'), warn: hear('warn'), error: hear('error') } };
}

/** What the manifest of `dir` recorded of how `file`'s content was made. */
export async function originOf(dir: string, file: string): Promise<BackupOrigin | undefined> {
  return (await new BackupFolder(dir).manifest.entry(file)).origin;
}

/** A plain backup's lines without pg_dump's random `\restrict` key lines, which differ between any two dumps. */
export async function comparableDump(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => !line.startsWith('\\restrict') && !line.startsWith('\\unrestrict'));
}

/** A connected client (on the embedded path, one more client of the database's socket). */
export async function connectedClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * Writes 8 bytes into the middle of a backup and puts its modification time back to the nanosecond
 * (touch; utimes takes float seconds), as a block damaged on the disk would leave it: its stamp is
 * what the manifest recorded, so only reading it can tell.
 */
export async function damageBeneathTheFilesystem(path: string): Promise<void> {
  const { mtimeNs, size } = await stat(path, { bigint: true });
  const handle = await open(path, 'r+');
  await handle.write(Buffer.from('\n-- rot\n'), 0, 8, Math.floor(Number(size) / 2));
  await handle.close();
  const ns = String(mtimeNs).padStart(10, '0');
  execFileSync('touch', ['-m', '-d', `@${ns.slice(0, -9)}.${ns.slice(-9)}`, path]);
  if ((await stat(path, { bigint: true })).mtimeNs !== mtimeNs) throw new Error(`could not put back the modification time of ${path}`);
}

import pg from 'pg';
import type { BackupService } from '../backup/BackupService.js';
import { createBackupService } from '../backup/createBackupService.js';
import type { DumpSource } from '../backup/dump/DumpSource.js';
import { createBackupBucket } from '../backup/offsite/createBackupBucket.js';
import type { BackupBucket } from '../backup/offsite/BackupBucket.js';
import { BackupFolder } from '../backup/folder/BackupFolder.js';
import { BackupRotator } from '../backup/retention/BackupRotator.js';
import type { BackupConfig } from '../config/loadConfig.js';
import type { Logger } from '../log/Logger.js';
import { NotesStore } from '../notes/NotesStore.js';
import { once } from './once.js';

/** Everything the handlers are made of. Each handler factory takes the parts it needs. */
export interface Parts {
  logger: Logger;
  /** Rotates, then backs up (POST /db-backup). */
  service: () => BackupService;
  /** The backup folder: its layout, manifest, status files and lock. */
  folder: () => BackupFolder;
  /** The backup folder's rotator (GET /db-backups, /health). */
  rotator: () => BackupRotator;
  /** The name of the database the service backs up. */
  database: () => Promise<string>;
  /** Folders, notes and tags. */
  store: () => NotesStore;
  /** Aborts when the process hosting the handlers stops: a backup under way is cancelled cleanly. */
  shutdown?: AbortSignal;
  /** The offsite copies (`BACKUP_S3_URL`), or undefined when none are configured. */
  bucket: () => BackupBucket | undefined;
  /** The bearer token every request must carry (`API_TOKEN`); none when it returns undefined. */
  token: () => string | undefined;
}

export interface WireOptions {
  /** The configuration, read on first use (so that a Lambda answers a bad one with a 500 naming it). */
  config: () => BackupConfig;
  logger: Logger;
  /** How the database is dumped; the native pg_dump when absent (`npm start` gives the embedded one). */
  dumpSource?: DumpSource;
  shutdown?: AbortSignal;
  /** The clock the backups are named and rotated by; the system's by default. */
  clock?: () => Date;
  /** Where the AWS SDK's variables (the bucket's endpoint, region, credentials) are read; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The composition root: builds each part on first use, once, from the configuration and the effects
 * given. `close()` ends the notes store's connections.
 */
export function wireParts({
  config,
  logger,
  dumpSource,
  shutdown,
  clock,
  env = process.env,
}: WireOptions): Parts & { close(): Promise<void> } {
  const folder = once(() => new BackupFolder(config().backupDir, { create: config().createBackupDir, logger, clock }));
  const rotator = once(() => new BackupRotator({ folder: folder(), policy: config().policy, clock, logger }));
  const bucket = once(() => {
    const location = config().offsite;
    return location && createBackupBucket(location, env);
  });
  const service = once(() => {
    const offsite = bucket();
    return createBackupService(config(), logger, dumpSource, clock, {
      folder: folder(),
      rotator: rotator(),
      ...(offsite ? { bucket: offsite } : {}),
    });
  });
  const pool = once(() => {
    const created = new pg.Pool({ ...config().connection.clientConfig, max: 3 });
    // An idle connection dropped by the server (a restart) must not crash the process.
    created.on('error', (error) => logger.warn('db.idle_connection_lost', { error }));
    return created;
  });
  let poolMade = false;
  const store = once(() => {
    poolMade = true;
    return new NotesStore(pool(), config().connection);
  });
  return {
    logger,
    service,
    folder,
    rotator,
    // The name is known from the settings (no connection needed to list backups); the embedded
    // database names its own.
    database: async () => (dumpSource ? (await dumpSource.prepare()).database : config().connection.database),
    store,
    bucket,
    shutdown,
    token: () => config().apiToken,
    close: async () => {
      if (poolMade) await pool().end();
    },
  };
}

import type { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { createBackupBucket } from '../functions/backup/offsite/createBackupBucket.js';
import { latestRemoteBackup } from '../functions/backup/offsite/latestRemoteBackup.js';
import { OffsiteError } from '../functions/backup/offsite/offsiteError.js';
import { parseBackupUrl } from '../functions/backup/offsite/parseBackupUrl.js';
import { type ListedRemoteBackup, remoteBackups } from '../functions/backup/offsite/remoteBackups.js';
import { backupPrefix } from '../functions/backup/retention/backupFileName.js';
import { ConfigError } from '../functions/config/ConfigError.js';
import { AppError } from '../functions/errors/AppError.js';
import { UsageError } from './UsageError.js';

/** One backup object to fetch: the bucket (and prefix) it lies in, its key and its file name. */
export interface RemoteChoice {
  bucket: BackupBucket;
  key: string;
  file: string;
  /** The listing said it has a record (undefined when it was named by its URL, not listed). */
  recorded?: boolean;
}

export type RemoteSelection =
  /** `s3://bucket/key`: any bucket the SDK's credentials may read, not only BACKUP_S3_URL's. */
  | { url: string }
  /** The newest recorded backup of `database` (its name); with none, of the only database the bucket holds backups of. */
  | { latest: true; database?: string }
  /** Every backup in the bucket, folder and archive, newest first. */
  | { all: true }
  /** The newest recorded backup in the bucket, of any database. */
  | { newest: true };

/** The configured bucket (`BACKUP_S3_URL`), or a clear error when there is none. */
export function configuredBucket(bucket: BackupBucket | undefined, command: string): BackupBucket {
  if (bucket) return bucket;
  throw new OffsiteError(
    'OFFSITE_NOT_CONFIGURED',
    `${command} needs BACKUP_S3_URL=s3://<bucket>/<prefix> (and the bucket's AWS_* variables), or the s3:// URL of one backup`,
  );
}

/**
 * The bucket's backups that a command names: one by its URL, the newest (of a database), or all.
 * Lists the configured bucket (every page) for all but a URL; throws NO_BACKUPS when none fits.
 */
export async function chooseRemoteBackups(
  selection: RemoteSelection,
  configured: () => BackupBucket | undefined,
  env: NodeJS.ProcessEnv,
  options: { command: string; until: number; signal?: AbortSignal },
): Promise<RemoteChoice[]> {
  if ('url' in selection) {
    let object: ReturnType<typeof parseBackupUrl>;
    try {
      object = parseBackupUrl(selection.url);
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.message);
      throw error;
    }
    const given = configured();
    const same = given && given.location.bucket === object.location.bucket && given.location.prefix === object.location.prefix;
    const bucket = same ? given : createBackupBucket(object.location, env);
    return [{ bucket, key: bucket.keyOf(object.file, object.place), file: object.file }];
  }
  const bucket = configuredBucket(configured(), options.command);
  const backups = remoteBackups(await bucket.list(options.signal));
  const none = (what: string) => new AppError('NO_BACKUPS', `no ${what} in ${bucket.url(bucket.location.prefix)}`, { expose: true });
  const choice = (backup: ListedRemoteBackup): RemoteChoice => ({ bucket, key: backup.key, file: backup.file, recorded: backup.recorded });
  if ('all' in selection) {
    if (backups.length === 0) throw none('backups');
    return backups.map(choice);
  }
  if ('newest' in selection) {
    const newest = backups.find((backup) => backup.recorded && backup.takenAt.getTime() <= options.until);
    if (!newest) throw none('backup with a record');
    return [choice(newest)];
  }
  const prefix = selection.database === undefined ? onlyDatabase(backups, bucket) : backupPrefix(selection.database);
  const latest = latestRemoteBackup(backups, prefix, options.until);
  if (!latest) throw none(`backup of ${selection.database ?? prefix} with a record`);
  return [choice(latest)];
}

/** A brand-new machine knows no database in use: the bucket's backups must then be of one database only (its names' prefix). */
function onlyDatabase(backups: ListedRemoteBackup[], bucket: BackupBucket): string {
  const databases = [...new Set(backups.filter((backup) => backup.recorded).map((backup) => backup.database))];
  if (databases.length === 1) return databases[0]!;
  if (databases.length === 0)
    throw new AppError('NO_BACKUPS', `no backup with a record in ${bucket.url(bucket.location.prefix)}`, { expose: true });
  throw new UsageError(
    `${bucket.url(bucket.location.prefix)} holds backups of ${databases.join(', ')}: set DATABASE_URL to the database in use, or name one backup by its s3:// URL (list --remote prints them)`,
  );
}

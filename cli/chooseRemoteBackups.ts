import type { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { createBackupBucket } from '../functions/backup/offsite/createBackupBucket.js';
import { remoteBackupsNamedAfter } from '../functions/backup/offsite/remoteBackupsNamedAfter.js';
import { latestRemoteBackup } from '../functions/backup/offsite/latestRemoteBackup.js';
import { BUCKET_LIMITS_MS, withDeadline } from '../functions/backup/offsite/withDeadline.js';
import { OffsiteError } from '../functions/backup/offsite/offsiteError.js';
import { parseBackupUrl } from '../functions/backup/offsite/parseBackupUrl.js';
import { type ListedRemoteBackup, remoteBackups } from '../functions/backup/offsite/remoteBackups.js';
import { backupPrefix } from '../functions/backup/retention/backupFileName.js';
import { ConfigError } from '../functions/config/ConfigError.js';
import { AppError } from '../functions/errors/AppError.js';
import { formatDuration } from '../functions/log/formatDuration.js';
import { counted } from './counted.js';
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
 * Lists the configured bucket (every page) for all but a URL; throws NO_BACKUPS when none fits. The
 * newest is the newest named no later than now by the bucket's server's clock (plus `toleranceMs`), so
 * that a machine whose clock is behind still finds today's backup; `warn` hears when this machine's
 * clock is off by more than that, and of every newer backup passed over as future-dated.
 */
export async function chooseRemoteBackups(
  selection: RemoteSelection,
  configured: () => BackupBucket | undefined,
  env: NodeJS.ProcessEnv,
  options: { command: string; toleranceMs: number; signal?: AbortSignal; warn: (line: string) => void },
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
  const listing = await withDeadline(
    BUCKET_LIMITS_MS.listing,
    bucket.url(bucket.location.prefix),
    (signal) => bucket.list(signal),
    options.signal,
  );
  const backups = remoteBackups(listing);
  const offset = bucket.clockOffsetMs();
  const until = Date.now() + offset + options.toleranceMs;
  if (!('all' in selection) && Math.abs(offset) > options.toleranceMs)
    options.warn(
      `this machine's clock is ${formatDuration(Math.abs(offset))} ${offset > 0 ? 'behind' : 'ahead of'} the server of ` +
        `${bucket.url(bucket.location.prefix)} (check it: date -u): the newest backup is taken by the server's clock`,
    );
  /** Newer backups passed over as future-dated: said, never silently skipped. */
  const passedOver = (prefix: string | undefined, taken: ListedRemoteBackup) => {
    const later = remoteBackupsNamedAfter(backups, prefix, until);
    if (later.length === 0) return;
    const newest = bucket.url(later[0]!.key);
    const verb = options.command.split(' ')[0];
    options.warn(
      `${counted(later.length, 'newer backup')} with a record ${later.length === 1 ? 'is' : 'are'} named after now ` +
        `(${new Date(until - options.toleranceMs).toISOString()} by the server's clock, give or take ` +
        `${formatDuration(options.toleranceMs)}), the newest ${newest}: a clock ran ahead when ${later.length === 1 ? 'it was' : 'they were'} ` +
        `named. Took ${bucket.url(taken.key)} instead; to take the newest, name it by its URL: ${verb} ${newest}${verb === 'restore' ? ' --into <postgres-url>' : ''}`,
    );
  };
  const none = (what: string) => new AppError('NO_BACKUPS', `no ${what} in ${bucket.url(bucket.location.prefix)}`, { expose: true });
  const choice = (backup: ListedRemoteBackup): RemoteChoice => ({ bucket, key: backup.key, file: backup.file, recorded: backup.recorded });
  if ('all' in selection) {
    if (backups.length === 0) throw none('backups');
    return backups.map(choice);
  }
  if ('newest' in selection) {
    const newest = backups.find((backup) => backup.recorded && backup.takenAt.getTime() <= until);
    if (!newest) throw none('backup with a record');
    passedOver(undefined, newest);
    return [choice(newest)];
  }
  const prefix = selection.database === undefined ? onlyDatabase(backups, bucket) : backupPrefix(selection.database);
  const latest = latestRemoteBackup(backups, prefix, until);
  if (!latest) throw none(`backup of ${selection.database ?? prefix} with a record`);
  passedOver(prefix, latest);
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

import { resolve } from 'node:path';
import { retentionPolicy, type RetentionPolicy } from '../backup/retention/RetentionPolicy.js';
import { databaseConnection, type DatabaseConnection } from '../db/databaseConnection.js';
import type { S3Location } from '../backup/offsite/S3Location.js';
import { ConfigError } from './ConfigError.js';
import { DEFAULTS } from './defaults.js';
import { packageRoot } from './packageRoot.js';
import { parsers } from './parsers.js';
import { readSettings } from './readSettings.js';

/** Everything the backup service reads from its environment, validated once. */
export interface BackupConfig {
  backupDir: string;
  /** Only the checkout's own default folder is created when missing; a configured one must exist. */
  createBackupDir: boolean;
  policy: RetentionPolicy;
  pgDumpPath: string;
  timeoutMs: number;
  /** BACKUP_FULL_EVERY in ms (0: every backup is a dump). */
  fullEveryMs: number;
  lockWaitTimeoutMs: number;
  /** gzip level of `.sql.gz` backups, or undefined for plain `.sql`. */
  gzipLevel?: number;
  /** Permissions of backup files. */
  fileMode: number;
  connection: DatabaseConnection;
  /** `API_TOKEN`: every route requires `Authorization: Bearer <token>` when set. */
  apiToken?: string;
  /** `BACKUP_S3_URL`: where every backup is copied offsite (the bucket's credentials are the AWS SDK's own, never here). */
  offsite?: S3Location;
  /** `BACKUP_S3_TIMEOUT_MS`: how long a backup's offsite copy may go on after its dump. */
  offsiteTimeoutMs: number;
  /** `BACKUP_ENCRYPT_RECIPIENTS(_FILE)`: every backup is encrypted with age for these public keys. */
  encryptTo?: string[];
  /** `BACKUP_IDENTITY_FILE`: the age identity `db-backup restore` and `verify` open encrypted backups with (`--identity` wins). */
  identityFile?: string;
  /** `BACKUP_VERIFY=after-create`: every new backup is verified (restored into a scratch database) before the answer. */
  verifyAfterCreate: boolean;
}

/** Settings given on a command line, which win over the environment (already validated by their caller). */
export interface ConfigOverrides {
  /** `--dir`: relative to `cwd`. */
  backupDir?: string;
  /** `--tz`: an IANA zone. */
  timeZone?: string;
  cwd?: string;
}

/**
 * Reads and validates the configuration (the rows of SETTINGS); throws a ConfigError naming the first
 * bad or unknown `BACKUP_*` variable. `BACKUP_DIR` defaults to `api/backups` in the project folder; a
 * relative `BACKUP_DIR` (or `--dir`) is taken from `cwd`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): BackupConfig {
  const cwd = overrides.cwd ?? process.cwd();
  // A flag is read as if its variable held it: the variable it replaces is then neither used nor checked.
  const settings = readSettings({
    ...env,
    ...(overrides.backupDir?.trim() ? { BACKUP_DIR: overrides.backupDir } : {}),
    ...(overrides.timeZone === undefined ? {} : { BACKUP_TZ: overrides.timeZone }),
  });
  let connection: DatabaseConnection;
  try {
    // DATABASE_URL's row checked the URL; the connection also takes the PG* variables.
    connection = databaseConnection(env);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  const dir = settings.backupDir;
  if (settings.encryptRecipients && settings.encryptRecipientsFile) {
    throw new ConfigError('set BACKUP_ENCRYPT_RECIPIENTS or BACKUP_ENCRYPT_RECIPIENTS_FILE, not both');
  }
  const encryptTo = settings.encryptRecipients ?? settings.encryptRecipientsFile;
  if (encryptTo && settings.verifyAfterCreate) {
    throw new ConfigError(
      'BACKUP_VERIFY=after-create cannot verify encrypted backups: the API holds only public keys and cannot read them back; verify them with db-backup verify --identity',
    );
  }
  return {
    backupDir: dir ? resolve(cwd, dir) : resolve(packageRoot(), 'api/backups'),
    createBackupDir: !dir,
    policy: retentionPolicy(settings),
    pgDumpPath: settings.pgDumpPath,
    timeoutMs: settings.timeoutMs,
    fullEveryMs: settings.fullEveryMs,
    lockWaitTimeoutMs: settings.lockWaitTimeoutMs,
    gzipLevel: settings.compression === 'gzip' ? settings.gzipLevel : undefined,
    fileMode: settings.fileMode,
    connection,
    verifyAfterCreate: settings.verifyAfterCreate,
    offsiteTimeoutMs: settings.offsiteTimeoutMs,
    ...(settings.offsite ? { offsite: settings.offsite } : {}),
    ...(encryptTo ? { encryptTo } : {}),
    ...(settings.apiToken ? { apiToken: settings.apiToken } : {}),
    ...(settings.identityFile ? { identityFile: resolve(cwd, settings.identityFile) } : {}),
  };
}

/** Validates an IANA zone name (`Europe/Berlin`, a flag such as `--tz` as `key`); `UTC` when unset or blank. */
export function readTimeZone(raw: string | undefined, key = 'BACKUP_TZ'): string {
  return raw?.trim() ? parsers.timeZone.parse(raw, key) : DEFAULTS.timeZone;
}

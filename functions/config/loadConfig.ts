import { resolve } from 'node:path';
import { ConfigError } from './ConfigError.js';
import { DEFAULTS } from './defaults.js';
import type { RetentionPolicy } from '../backup/retention/RetentionPolicy.js';
import { databaseConnection, type DatabaseConnection } from '../db/databaseConnection.js';
import { packageRoot } from './packageRoot.js';

/** Everything the backup service reads from its environment, validated once. */
export interface BackupConfig {
  backupDir: string;
  /** Only the checkout's own default folder is created when missing; a configured one must exist. */
  createBackupDir: boolean;
  policy: RetentionPolicy;
  pgDumpPath: string;
  timeoutMs: number;
  lockWaitTimeoutMs: number;
  /** gzip level of `.sql.gz` backups, or undefined for plain `.sql`. */
  gzipLevel?: number;
  /** Permissions of backup files. */
  fileMode: number;
  connection: DatabaseConnection;
  /** `API_TOKEN`: every route requires `Authorization: Bearer <token>` when set. */
  apiToken?: string;
  /** `BACKUP_VERIFY=after-create`: every new backup is verified (restored into a scratch database) before the answer. */
  verifyAfterCreate: boolean;
}

interface IntegerSetting {
  fallback: number;
  min: number;
  max: number;
}

const INTEGERS = {
  BACKUP_KEEP_LAST: { fallback: DEFAULTS.keepLast, min: 0, max: 10_000 },
  BACKUP_KEEP_WEEKS: { fallback: DEFAULTS.keepWeeks, min: 0, max: 520 },
  BACKUP_KEEP_MONTHS: { fallback: DEFAULTS.keepMonths, min: 0, max: 1200 },
  BACKUP_ARCHIVE_MONTHS: { fallback: DEFAULTS.archiveMonths, min: 1, max: 1200 },
  BACKUP_TIMEOUT_MS: { fallback: DEFAULTS.timeoutMs, min: 1_000, max: 24 * 3_600_000 },
  BACKUP_LOCK_WAIT_TIMEOUT_MS: { fallback: DEFAULTS.lockWaitTimeoutMs, min: 1, max: 3_600_000 },
  BACKUP_COMPRESS_LEVEL: { fallback: DEFAULTS.gzipLevel, min: 1, max: 9 },
  BACKUP_CLOCK_TOLERANCE_MS: { fallback: DEFAULTS.clockToleranceMs, min: 1_000, max: 7 * 24 * 3_600_000 },
} satisfies Record<string, IntegerSetting>;

const KNOWN_BACKUP_KEYS = new Set([
  'BACKUP_DIR',
  'BACKUP_TZ',
  'BACKUP_COMPRESS',
  'BACKUP_FILE_MODE',
  'BACKUP_VERIFY',
  ...Object.keys(INTEGERS),
]);

/** Settings given on a command line, which win over the environment (already validated by their caller). */
export interface ConfigOverrides {
  /** `--dir`: relative to `cwd`. */
  backupDir?: string;
  /** `--tz`: an IANA zone. */
  timeZone?: string;
  cwd?: string;
}

/**
 * Reads and validates the configuration; throws a ConfigError naming the first bad or unknown
 * `BACKUP_*` variable. `BACKUP_DIR` defaults to `api/backups` in the project folder; a
 * relative `BACKUP_DIR` (or `--dir`) is taken from `cwd`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): BackupConfig {
  const cwd = overrides.cwd ?? process.cwd();
  const dir = overrides.backupDir?.trim() || env.BACKUP_DIR?.trim();
  for (const key of Object.keys(env)) {
    if (key.startsWith('BACKUP_') && !KNOWN_BACKUP_KEYS.has(key)) {
      throw new ConfigError(`unknown setting ${key}; known ones: ${[...KNOWN_BACKUP_KEYS].join(', ')}`);
    }
  }
  const integer = (key: keyof typeof INTEGERS) => readInteger(env, key, INTEGERS[key]);
  let connection: DatabaseConnection;
  try {
    connection = databaseConnection(env);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  return {
    backupDir: dir ? resolve(cwd, dir) : resolve(packageRoot(), 'api/backups'),
    createBackupDir: !dir,
    policy: {
      keepLast: integer('BACKUP_KEEP_LAST'),
      keepWeeks: integer('BACKUP_KEEP_WEEKS'),
      keepMonths: integer('BACKUP_KEEP_MONTHS'),
      archiveMonths: integer('BACKUP_ARCHIVE_MONTHS'),
      timeZone: overrides.timeZone ?? readTimeZone(env.BACKUP_TZ),
      clockToleranceMs: integer('BACKUP_CLOCK_TOLERANCE_MS'),
    },
    pgDumpPath: env.PG_DUMP_PATH?.trim() || DEFAULTS.pgDumpPath,
    timeoutMs: integer('BACKUP_TIMEOUT_MS'),
    lockWaitTimeoutMs: integer('BACKUP_LOCK_WAIT_TIMEOUT_MS'),
    gzipLevel: readCompression(env.BACKUP_COMPRESS) === 'gzip' ? integer('BACKUP_COMPRESS_LEVEL') : undefined,
    fileMode: readFileMode(env.BACKUP_FILE_MODE),
    connection,
    verifyAfterCreate: readVerify(env.BACKUP_VERIFY),
    ...(env.API_TOKEN?.trim() ? { apiToken: env.API_TOKEN.trim() } : {}),
  };
}

function readVerify(raw: string | undefined): boolean {
  const value = raw?.trim() || 'off';
  if (value !== 'off' && value !== 'after-create') {
    throw new ConfigError(`BACKUP_VERIFY must be off or after-create (got "${raw}")`);
  }
  return value === 'after-create';
}

function readInteger(env: NodeJS.ProcessEnv, key: string, { fallback, min, max }: IntegerSetting): number {
  const raw = env[key]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${key} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** An octal mode such as 0640 for backups read by another uid on a shared volume; never world-writable or executable. */
function readFileMode(raw: string | undefined): number {
  const value = raw?.trim() || `0${DEFAULTS.fileMode.toString(8)}`;
  if (!/^0?[0-7]{3}$/.test(value) || (parseInt(value, 8) & 0o133) !== 0 || (parseInt(value, 8) & 0o600) !== 0o600) {
    throw new ConfigError(`BACKUP_FILE_MODE must be an octal mode from 0600 to 0644 such as 0640 (got "${value}")`);
  }
  return parseInt(value, 8);
}

function readCompression(raw: string | undefined): 'none' | 'gzip' {
  const value = raw?.trim() || 'none';
  if (value !== 'none' && value !== 'gzip') throw new ConfigError(`BACKUP_COMPRESS must be none or gzip (got "${value}")`);
  return value;
}

/** Validates an IANA zone name (`Europe/Berlin`); `UTC` when unset. */
export function readTimeZone(raw: string | undefined, key = 'BACKUP_TZ'): string {
  const zone = raw?.trim() || DEFAULTS.timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ConfigError(`${key} must be an IANA time zone such as UTC or Europe/Berlin (got "${zone}")`);
  }
  return zone;
}

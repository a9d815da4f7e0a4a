import type { S3Location } from '../backup/offsite/S3Location.js';
import { type Parser, parsers } from './parsers.js';

/** One environment variable of the API's configuration: its name, default, parser and meaning. */
export interface Setting<T> {
  /** The environment variable. */
  name: string;
  /** The value when the variable is unset or blank (undefined: none). */
  fallback: T;
  /** The README's Default column, when the fallback alone does not say it (`` `300000` (5 min) ``). */
  shown?: string;
  parser: Parser<T>;
  /** Read only while another variable has this value: until then the fallback, whatever this one holds. */
  onlyWith?: { name: string; value: string };
  /** What it does, one line for the README's table. */
  meaning: string;
}

/** A row, its type inferred from its fallback and parser (a setting without a default says `<string | undefined>`). */
const setting = <T>(row: Setting<T>): Setting<T> => row;

/**
 * Every setting the API reads from its environment, one row each, in the README's order; the key is
 * its field in `readSettings`' answer (and in DEFAULTS). `loadConfig` validates with these rows, the
 * unknown-`BACKUP_*` check knows the names from them, and `npm run docs:config` writes the README's
 * table from them (a test fails while the README differs).
 */
export const SETTINGS = {
  databaseUrl: setting<string | undefined>({
    name: 'DATABASE_URL',
    fallback: undefined,
    shown: '— (the `PG*` variables)',
    parser: parsers.connectionUrl,
    meaning:
      'The database the API serves and backs up. When unset, the `PG*` variables are used. Printed only with its password replaced by `***`.',
  }),
  backupDir: setting<string | undefined>({
    name: 'BACKUP_DIR',
    fallback: undefined,
    shown: '`api/backups` in the project folder',
    parser: parsers.text('a folder, relative to the working directory'),
    meaning:
      'The backup folder; archived backups go to `<BACKUP_DIR>/archive`. `/api/backups` in the containers. It must exist (a volume that was not mounted is an error, `BACKUP_DIR_MISSING`); only the default is created.',
  }),
  offsite: setting<S3Location | undefined>({
    name: 'BACKUP_S3_URL',
    fallback: undefined,
    shown: 'none (no offsite copies)',
    parser: parsers.s3Url,
    meaning:
      "Copy every backup to this bucket and prefix (S3 or an S3-compatible server), and rotate the copies there by the same rules. Endpoint, region and credentials come from the AWS SDK's own variables and chain: `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`; path-style when set), `AWS_REGION`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, a profile, a container or instance role. The bucket's name follows S3's rules (3–63 lowercase letters, digits, dots and hyphens); no query string (the region is `AWS_REGION`). A start with it set checks that a region is set and warns when no credentials are visible. After a change, backups copied elsewhere count as not offsite until the next backups copy them here. See Offsite copies.",
  }),
  offsiteTimeoutMs: setting({
    name: 'BACKUP_S3_TIMEOUT_MS',
    fallback: 60_000,
    shown: '`60000` (1 min)',
    parser: parsers.wholeNumber(1_000, 24 * 3_600_000),
    meaning:
      "How long POST /db-backup waits, after the dump is written, for the backup's offsite copy to complete (and how long each catch-up upload may take). A copy still running then is stopped and aborted in the bucket: the answer says `offsite.status: failed`, the local backup is kept, and the next backup uploads it. When the bucket did not answer an earlier step of the same backup (unreachable, hung), the copy is not begun at all.",
  }),
  keepLast: setting({
    name: 'BACKUP_KEEP_LAST',
    fallback: 5,
    parser: parsers.wholeNumber(0, 10_000),
    meaning: 'Keep this many newest backups, however old.',
  }),
  keepWeeks: setting({
    name: 'BACKUP_KEEP_WEEKS',
    fallback: 4,
    parser: parsers.wholeNumber(0, 520),
    meaning: 'Keep the newest backup of each of this many Sunday–Saturday weeks, counting the current one.',
  }),
  keepMonths: setting({
    name: 'BACKUP_KEEP_MONTHS',
    fallback: 12,
    parser: parsers.wholeNumber(0, 1200),
    meaning: 'Keep the newest backup of each of this many calendar months, counting the current one.',
  }),
  keepYears: setting({
    name: 'BACKUP_KEEP_YEARS',
    fallback: 0,
    parser: parsers.wholeNumber(0, 100),
    meaning:
      'Keep the newest backup of each of this many calendar years, counting the current one (0: none). A backup it keeps stays in the folder however old (see Retention rules).',
  }),
  archiveMonths: setting({
    name: 'BACKUP_ARCHIVE_MONTHS',
    fallback: 12,
    parser: parsers.wholeNumber(1, 1200),
    meaning: 'Delete archived backups older than this many calendar months.',
  }),
  timeZone: setting({
    name: 'BACKUP_TZ',
    fallback: 'UTC',
    parser: parsers.timeZone,
    meaning: 'The time zone in which weeks, months and years are counted.',
  }),
  clockToleranceMs: setting({
    name: 'BACKUP_CLOCK_TOLERANCE_MS',
    fallback: 5 * 60_000,
    shown: '`300000` (5 min)',
    parser: parsers.wholeNumber(1_000, 7 * 24 * 3_600_000),
    meaning:
      "How far this API's clock and the database server's may disagree before a backup leaves the rotation out (`CLOCK_SKEW`), and how far after now a backup's name may lie before it counts as future-dated.",
  }),
  timeoutMs: setting({
    name: 'BACKUP_TIMEOUT_MS',
    fallback: 15 * 60_000,
    shown: '`900000` (15 min)',
    parser: parsers.wholeNumber(1_000, 24 * 3_600_000),
    meaning: 'pg_dump running longer is stopped (SIGTERM, then SIGKILL after 5 s) and the backup fails.',
  }),
  lockWaitTimeoutMs: setting({
    name: 'BACKUP_LOCK_WAIT_TIMEOUT_MS',
    fallback: 30_000,
    parser: parsers.wholeNumber(1, 3_600_000),
    meaning:
      'Passed to `pg_dump --lock-wait-timeout`: a table locked longer fails the dump instead of queueing behind (and blocking) migrations.',
  }),
  fullEveryMs: setting({
    name: 'BACKUP_FULL_EVERY',
    fallback: 24 * 3_600_000,
    shown: '`24h`',
    parser: parsers.duration(366 * 24 * 3_600_000),
    meaning:
      'When the database provably did not change since the newest backup, the next one is made from it instead of a new pg_dump ([instant backups](instant-backups.md)); at least this often a backup is a real dump whatever the fingerprint says. `0`: every backup is a dump.',
  }),
  compression: setting<'none' | 'gzip'>({
    name: 'BACKUP_COMPRESS',
    fallback: 'none',
    parser: parsers.oneOf({ none: 'none', gzip: 'gzip' }),
    meaning:
      "`gzip` writes `<name>.sql.gz` with pg_dump's own compression (the fastest way measured on 2 cores, see Performance), hashed and gunzip-checked while it is written. Restore with `gunzip -c <file> | psql …`.",
  }),
  gzipLevel: setting({
    name: 'BACKUP_COMPRESS_LEVEL',
    fallback: 6,
    parser: parsers.wholeNumber(1, 9),
    onlyWith: { name: 'BACKUP_COMPRESS', value: 'gzip' },
    meaning: 'gzip level, 1 (fastest) to 9 (smallest).',
  }),
  encryptRecipients: setting<string[] | undefined>({
    name: 'BACKUP_ENCRYPT_RECIPIENTS',
    fallback: undefined,
    shown: 'none (backups are not encrypted)',
    parser: parsers.ageRecipients,
    meaning:
      'Encrypt every backup with age for these public keys (`age1…` from `age-keygen`; `age1pq1…` post-quantum too): `<name>.sql.age` / `<name>.sql.gz.age`, encrypted between pg_dump and the disk. The API holds public keys only and cannot read its own backups. A key that is not valid refuses the start. See Encryption.',
  }),
  encryptRecipientsFile: setting<string[] | undefined>({
    name: 'BACKUP_ENCRYPT_RECIPIENTS_FILE',
    fallback: undefined,
    shown: 'none',
    parser: parsers.ageRecipientsFile,
    meaning: "The same, read from a file (one key a line, `#` comments: `age -R`'s format). Set one of the two.",
  }),
  identityFile: setting<string | undefined>({
    name: 'BACKUP_IDENTITY_FILE',
    fallback: undefined,
    shown: 'none',
    parser: parsers.text('an age identity file (`age-keygen -o`)'),
    meaning:
      '`db-backup restore` and `verify` only: the private key that opens encrypted backups (as `--identity`). Never give it to the API: keep it away from the backups.',
  }),
  verifyAfterCreate: setting({
    name: 'BACKUP_VERIFY',
    fallback: false,
    shown: '`off`',
    parser: parsers.oneOf({ off: false, 'after-create': true }),
    meaning:
      "`after-create`: every backup POST /db-backup writes is verified right after it is written (see Verifying backups: checksum and sections, restore into a scratch database, dump it again and compare) before it answers, with the result in the answer (`verification`) and in `/health` (a failed verification is a 503 problem; the backup is kept). Needs `CREATEDB` for the API's role; embedded databases verify in PGlite. Adds a restore and a dump to every backup (about 1.4× a restore).",
  }),
  fileMode: setting({
    name: 'BACKUP_FILE_MODE',
    fallback: 0o600,
    shown: '`0600`',
    parser: parsers.fileMode,
    meaning: "Permissions of backup files (e.g. `0640` for a shared volume read by another uid's group). Folders are created `0700`.",
  }),
  pgDumpPath: setting({
    name: 'PG_DUMP_PATH',
    fallback: 'pg_dump',
    shown: '`pg_dump` on `PATH`',
    parser: parsers.text('a path, or a command on `PATH`'),
    meaning: "The pg_dump binary. It must be the server's major version or newer.",
  }),
  apiToken: setting<string | undefined>({
    name: 'API_TOKEN',
    fallback: undefined,
    shown: 'none',
    parser: parsers.text('any text'),
    meaning:
      'When set, every route answers 401 unless the request carries `Authorization: Bearer <API_TOKEN>` (compared in constant time, before any work).',
  }),
};

/** The settings' values as `readSettings` gives them, one field per row of SETTINGS. */
export type Settings = { [K in keyof typeof SETTINGS]: (typeof SETTINGS)[K]['fallback'] };

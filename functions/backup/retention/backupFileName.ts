import { createHash } from 'node:crypto';

/**
 * The backup file name is the contract between the creator and the rotator:
 * `<database>_<YYYY-MM-DD>T<HH-mm-ss.SSS>Z.sql[.gz][.age]`, always UTC, e.g.
 * `notes_2026-11-26T19-27-52.123Z.sql`. Ages come from this name, never from mtime.
 */

export interface BackupFileName {
  /** The file name itself, without a folder. */
  file: string;
  /** The database part of the name: the database's `backupPrefix`. */
  database: string;
  /** The moment the backup was started, from the name. */
  takenAt: Date;
}

const PATTERN = /^([A-Za-z0-9_-]+)_(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})Z\.sql(?:\.gz)?(?:\.age)?$/;

/** Names kept as they are: letters, digits, `_` and single inner `-` (never `--`), at most 63 characters. */
const PLAIN_NAME = /^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*$/;

/**
 * The file-name prefix of a database's backups, distinct for distinct databases: a name of letters,
 * digits, `_` and single `-` is kept as it is (`notes`, `shop-eu`); any other becomes a readable slug,
 * `--` and the first 10 hex digits of the name's SHA-256 (`shop.eu` → `shop-eu--5c0a1b2d3e`, `café` →
 * `cafe--…`). Kept names never contain `--` and made ones always do, so the two never meet; two made
 * ones differ unless their names' hashes do not.
 */
export function backupPrefix(database: string): string {
  if (database.length <= 63 && PLAIN_NAME.test(database)) return database;
  const slug =
    database
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9_]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'db';
  return `${slug}--${createHash('sha256').update(database, 'utf8').digest('hex').slice(0, 10)}`;
}

/** Formats the backup file name for `database` taken at `takenAt` (UTC, millisecond precision). */
export function formatBackupFileName(database: string, takenAt: Date, extension = '.sql'): string {
  const iso = takenAt.toISOString(); // 2026-11-26T19:27:52.123Z
  if (!/^\d{4}-/.test(iso)) throw new RangeError(`cannot name a backup taken at ${iso}`);
  return `${backupPrefix(database)}_${iso.replace(/:/g, '-')}${extension}`;
}

/**
 * The longest name a backup can have: a database name kept as it is (at most 63 characters; a made
 * slug is 52), its instant (always 24) and `.sql.gz.age`. Keys in the bucket are sized from it.
 */
export const LONGEST_BACKUP_FILE_NAME = formatBackupFileName('d'.repeat(63), new Date(0), '.sql.gz.age');

/**
 * Parses a backup file name; returns undefined for anything that only looks like one
 * (a month 13, a 30th of February, an extra suffix such as `.partial`).
 */
export function parseBackupFileName(file: string): BackupFileName | undefined {
  const match = PATTERN.exec(file);
  if (!match) return undefined;
  const [, database, year, month, day, hour, minute, second, millis] = match as unknown as string[];
  const takenAt = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(millis)),
  );
  // Date.UTC silently rolls over invalid fields (month 13, hour 24): the round trip catches that.
  const roundTrip = `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}Z`;
  if (Number.isNaN(takenAt.getTime()) || takenAt.toISOString() !== roundTrip) return undefined;
  return { file, database: database!, takenAt };
}

/** The database part of a backup's name, from a file name or a path (`archive/…`, `….partial`); undefined for other names. */
export function databaseOf(path: string): string | undefined {
  const file = path.slice(path.lastIndexOf('/') + 1).replace(/\.partial$/, '');
  return parseBackupFileName(file)?.database;
}

import { join } from 'node:path';
import type { FingerprintJson } from '../fingerprint/fingerprintJson.js';
import type { FileStamp } from './fileStamp.js';
import { parseBackupFileName } from '../retention/backupFileName.js';
import type { DumpContents } from '../sql/DumpScanner.js';
import type { S3Location } from '../offsite/S3Location.js';
import { readBookkeepingFile, writeBookkeepingFile } from './bookkeepingFile.js';
import { regularFilesIn } from './folderFiles.js';
import { isMarkedAt } from './isMarkedAt.js';

/** The checksums of a folder's backups, `sha256sum -c` compatible: one in the folder, one in `archive/`. */
export const SUMS_FILE = 'SHA256SUMS';
/** What each backup holds (rows per table, large objects) and when it was last verified. */
export const CONTENTS_FILE = '.db-backup-contents.json';

/** The outcome of `verify` for one backup. */
export interface Verification {
  at: string;
  ok: boolean;
  /** What differs (empty when ok). */
  problems: string[];
}

export interface ManifestEntry {
  sha256?: string;
  contents?: DumpContents;
  /** How long the backup took to write. */
  durationMs?: number;
  /** Its run's generation (BackupGeneration): later than a request's means it began after the request arrived. */
  generation?: number;
  /** When its dump began, by the clock of the process that wrote it (its name may be shifted to a later clock). */
  startedAtMs?: number;
  verified?: Verification;
  /** Its copy in the bucket, once the copy is whole and its record written (BACKUP_S3_URL). */
  offsite?: OffsiteMark;
  /** How its content was made, and the database state it holds (docs/instant-backups.md). */
  origin?: BackupOrigin;
  /** The file when its sha256 was last computed from its bytes: unchanged since, the checksum still holds. */
  hashed?: FileStamp;
}

/**
 * What a backup's content is a dump of: the database's fingerprint when the dump was proved to hold
 * it (none when a transaction ran or ended during the dump), the shape of the dump (pg_dump, options,
 * compression, encryption) and when that dump began. A backup made from an earlier one (`madeFrom`)
 * repeats that backup's dump facts: its content is that dump's.
 */
export interface BackupOrigin {
  fingerprint?: FingerprintJson;
  /**
   * An encrypted backup's instead: the sha256 of the fingerprint's JSON, which can be compared but tells
   * nothing (the fingerprint names every sequence and its value, as the contents it leaves out would).
   */
  fingerprintSha256?: string;
  shape: string;
  /** When the pg_dump that wrote this content began, by the clock of the process that ran it. */
  dumpedAtMs: number;
  /** The backup it was made from, when the database had not changed since (no pg_dump ran). */
  madeFrom?: string;
}

/**
 * Where a backup's offsite copy is and when it was made: kept locally so that listings and /health
 * need no bucket call. A backup counts as offsite only when its mark's `url` is under the bucket and
 * prefix configured now (`isMarkedAt`).
 */
export interface OffsiteMark {
  /** `s3://<bucket>/<key>`; absent in marks written before marks named their bucket (then not trusted). */
  url?: string;
  /** The key in that bucket (kept for readers of the file that know only it). */
  key: string;
  at: string;
}

/** `.db-backup-contents.json`: each backup's entry but its checksum (in SHA256SUMS), the contents spread into it. */
type ContentsFile = Record<string, Partial<DumpContents> & Omit<ManifestEntry, 'sha256' | 'contents'>>;

/**
 * What the service recorded about each backup when it wrote it: its sha256 in `SHA256SUMS` (beside
 * the backup: the folder's for the folder's backups, `archive/SHA256SUMS` for the archive's), and
 * its row counts and last verification in `.db-backup-contents.json`. Backup names are unique across
 * folder and archive, so a backup's entry is found by its name wherever it lies. Written under the
 * folder's lock (by the creator and the rotator); never through a planted symlink.
 */
export class BackupManifest {
  constructor(
    private readonly dir: string,
    private readonly archiveDir: string,
  ) {}

  /** Records a new backup of the folder (the creator, under the lock). */
  async record(
    file: string,
    sha256: string,
    contents: DumpContents | undefined,
    run: { durationMs: number; generation?: number; startedAtMs: number; origin?: BackupOrigin; hashed?: FileStamp },
  ): Promise<void> {
    const sums = await this.readSums(this.dir);
    sums.set(file, sha256);
    await this.writeSums(this.dir, sums);
    const all = await this.readContents();
    await this.writeContents({ ...all, [file]: { ...contents, ...run } });
  }

  /** What was recorded about `file` (a backup's name), wherever it lies. */
  async entry(file: string): Promise<ManifestEntry> {
    const sha256 = (await this.readSums(this.dir)).get(file) ?? (await this.readSums(this.archiveDir)).get(file);
    const recorded = (await this.readContents())[file];
    const verified = recorded?.verified;
    return {
      ...(sha256 ? { sha256 } : {}),
      ...(recorded?.rows
        ? {
            contents: {
              rows: recorded.rows,
              largeObjects: recorded.largeObjects ?? 0,
              ...(Array.isArray(recorded.sections) ? { sections: recorded.sections } : {}),
            },
          }
        : {}),
      ...(typeof recorded?.durationMs === 'number' ? { durationMs: recorded.durationMs } : {}),
      ...(typeof recorded?.generation === 'number' ? { generation: recorded.generation } : {}),
      ...(typeof recorded?.startedAtMs === 'number' ? { startedAtMs: recorded.startedAtMs } : {}),
      ...(verified ? { verified } : {}),
      ...(recorded?.offsite ? { offsite: recorded.offsite } : {}),
      ...(isOrigin(recorded?.origin) ? { origin: recorded.origin } : {}),
      ...(recorded?.hashed ? { hashed: recorded.hashed } : {}),
    };
  }

  /** The highest run generation recorded (0 when none): a lost or garbled generation file restarts above it. */
  async maxGeneration(): Promise<number> {
    const all = await this.readContents().catch(() => ({}) as ContentsFile);
    return Math.max(0, ...Object.values(all).map((entry) => (typeof entry.generation === 'number' ? entry.generation : 0)));
  }

  /** Every backup's last verification, by name. */
  async verifications(): Promise<Record<string, Verification>> {
    const all = await this.readContents();
    return Object.fromEntries(Object.entries(all).flatMap(([file, entry]) => (entry.verified ? [[file, entry.verified] as const] : [])));
  }

  /**
   * Every backup's offsite copy at `location` (the bucket and prefix configured now), by name: those not
   * copied there yet (never copied, or copied to another bucket or prefix) are absent.
   */
  async offsiteCopies(location: S3Location): Promise<Record<string, OffsiteMark>> {
    const all = await this.readContents();
    return Object.fromEntries(
      Object.entries(all).flatMap(([file, entry]) => (isMarkedAt(entry.offsite, location, file) ? [[file, entry.offsite!] as const] : [])),
    );
  }

  /** Records that `file` is offsite at `offsite.url` (its copy whole and its record in the bucket); replaces a mark of another bucket. */
  async recordOffsite(file: string, offsite: Required<OffsiteMark>): Promise<void> {
    const all = await this.readContents();
    await this.writeContents({ ...all, [file]: { ...all[file], offsite } });
  }

  /**
   * The backups in the folder and its archive that `ours` accepts (a database's, by name) and that have
   * no offsite mark at `location` (the bucket and prefix configured now), oldest first, each with where it lies.
   */
  async notOffsite(ours: (file: string) => boolean, location: S3Location): Promise<{ file: string; place: 'folder' | 'archive' }[]> {
    const marked = await this.offsiteCopies(location);
    const missing = (files: string[], place: 'folder' | 'archive') =>
      files.filter((file) => parseBackupFileName(file) && ours(file) && !marked[file]).map((file) => ({ file, place }));
    const found = [...missing(await regularFilesIn(this.dir), 'folder'), ...missing(await regularFilesIn(this.archiveDir), 'archive')];
    return found.sort((a, b) => parseBackupFileName(a.file)!.takenAt.getTime() - parseBackupFileName(b.file)!.takenAt.getTime());
  }

  async recordVerification(file: string, verified: Verification): Promise<void> {
    const all = await this.readContents();
    await this.writeContents({ ...all, [file]: { ...all[file], verified } });
  }

  /**
   * Puts each checksum beside its backup after a rotation moved or deleted backups (the rotator,
   * under the lock), and forgets backups that are gone. Idempotent: after a crash between a move and
   * this, the next rotation puts things right, and `entry` finds a name in either list meanwhile.
   */
  async reconcile(): Promise<void> {
    const inFolder = (await regularFilesIn(this.dir)).filter((name) => parseBackupFileName(name));
    const inArchive = (await regularFilesIn(this.archiveDir)).filter((name) => parseBackupFileName(name));
    const known = new Map([...(await this.readSums(this.archiveDir)), ...(await this.readSums(this.dir))]);
    const pick = (files: string[]) => new Map(files.flatMap((file) => (known.has(file) ? [[file, known.get(file)!] as const] : [])));
    await this.writeSums(this.dir, pick(inFolder));
    if (inArchive.length > 0 || (await this.readSums(this.archiveDir)).size > 0) await this.writeSums(this.archiveDir, pick(inArchive));
    const present = new Set([...inFolder, ...inArchive]);
    const all = await this.readContents();
    await this.writeContents(Object.fromEntries(Object.entries(all).filter(([file]) => present.has(file))));
  }

  private async readSums(dir: string): Promise<Map<string, string>> {
    const text = (await readBookkeepingFile(join(dir, SUMS_FILE))) ?? '';
    const sums = new Map<string, string>();
    for (const line of text.split('\n')) {
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (match) sums.set(match[2]!, match[1]!);
    }
    return sums;
  }

  private async writeSums(dir: string, sums: Map<string, string>): Promise<void> {
    const lines = [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([file, sha256]) => `${sha256}  ${file}\n`);
    await writeBookkeepingFile(join(dir, SUMS_FILE), lines.join(''));
  }

  /** {} when missing or not JSON; a file that cannot be read throws (writing over it would lose every entry). */
  private async readContents(): Promise<ContentsFile> {
    const text = (await readBookkeepingFile(join(this.dir, CONTENTS_FILE))) ?? '{}';
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ContentsFile) : {};
    } catch {
      return {};
    }
  }

  private async writeContents(all: ContentsFile): Promise<void> {
    await writeBookkeepingFile(join(this.dir, CONTENTS_FILE), `${JSON.stringify(all)}\n`);
  }
}

/** An origin as the file may hold it (written by this code, or garbled by hand): its fingerprint is parsed where it is used. */
function isOrigin(value: unknown): value is BackupOrigin {
  const origin = value as Partial<BackupOrigin> | undefined;
  return (
    typeof origin === 'object' &&
    origin !== null &&
    typeof origin.shape === 'string' &&
    typeof origin.dumpedAtMs === 'number' &&
    (origin.madeFrom === undefined || typeof origin.madeFrom === 'string')
  );
}

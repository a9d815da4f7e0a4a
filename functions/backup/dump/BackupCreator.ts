import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import type { Transform } from 'node:stream';
import { DEFAULTS } from '../../config/defaults.js';
import { silentLogger, type Logger } from '../../log/Logger.js';
import type { DumpSource } from './DumpSource.js';
import { ensureFreeSpace, statfsFreeSpace } from '../folder/ensureFreeSpace.js';
import { DumpFailedError } from '../errors.js';
import { fsyncFolder } from '../folder/folderFiles.js';
import { FLUSH_EVERY_BYTES } from './hashWhileWritten.js';
import type { BackupFolder } from '../folder/BackupFolder.js';
import type { ManifestEntry } from '../folder/BackupManifest.js';
import { contentsOf, type DumpContents, type DumpFacts, DumpScanner } from '../sql/DumpScanner.js';
import type { Problem } from '../Problem.js';
import type { OffsiteCopier, OffsiteOutcome } from './OffsiteCopier.js';
import { encryptAge } from '../encryption/encryptAge.js';
import { writeEncrypted } from './writeEncrypted.js';
import { writeUnencrypted } from './writeUnencrypted.js';
import { finishOffsiteCopy } from './finishOffsiteCopy.js';
import { publishBackup } from './publishBackup.js';
import { reuseBackup } from './reuseBackup.js';
import { openPartialBackup } from './openPartialBackup.js';
import type { DatabaseFingerprint } from '../fingerprint/DatabaseFingerprint.js';
import { fingerprintSha256, fingerprintToJson } from '../fingerprint/fingerprintJson.js';
import { type InstantBackupPlan, planInstantBackup } from '../fingerprint/planInstantBackup.js';
import { dumpProofGap } from '../fingerprint/provesDump.js';
import { newestBackupOf } from '../folder/newestBackupOf.js';
import { stampOf } from '../folder/fileStamp.js';

export interface BackupCreatorOptions {
  /** The folder the backup is written to (and its manifest). */
  folder: BackupFolder;
  source: DumpSource;
  /** Gzip the backup (`.sql.gz`) at this level (the source compresses); plain `.sql` when absent. */
  gzipLevel?: number;
  /** Permissions of backup files (`BACKUP_FILE_MODE`); 0600 by default. */
  fileMode?: number;
  /** Free space in bytes of the folder holding `path`; `fs.statfs` by default. */
  freeSpace?: (path: string) => Promise<number>;
  clock?: () => Date;
  logger?: Logger;
  /** Write-behind: flush the dump every this many bytes while it is written (0: only the final fsync; the benchmark's "before"). */
  flushEveryBytes?: number;
  /** Copies each backup offsite while it is written (BACKUP_S3_URL); none when absent. */
  offsite?: OffsiteCopier;
  /** Encrypts every backup with age for these public keys (`BACKUP_ENCRYPT_RECIPIENTS`): `.sql.age`, `.sql.gz.age`. */
  encryptTo?: readonly string[];
  /** Makes the encryption stream for `encryptTo`; encryptAge by default (a test breaks it). */
  encryptor?: (recipients: readonly string[]) => Promise<Transform> | Transform;
  /**
   * BACKUP_FULL_EVERY: a backup's content may come from an earlier backup (the database unchanged
   * since) only while that content's dump is younger than this; 0 makes every backup a dump.
   */
  fullEveryMs?: number;
}

/** What `preflight` found: what the next backup is named after, and the database server's clock. */
export interface Preflight {
  database: string;
  extension: string;
  serverTime?: Date;
}

/** A backup that was written completely and durably. */
export interface Backup {
  file: string;
  path: string;
  bytes: number;
  sha256: string;
  startedAt: string;
  durationMs: number;
  /** Rows per table and large objects, counted as the dump was written (the manifest also records each section's digest). */
  contents: Omit<DumpContents, 'sections'>;
  /** Its offsite copy (BACKUP_S3_URL): where, and whether it was uploaded. A failed copy costs the backup nothing. */
  offsite?: OffsiteOutcome;
  /** Encrypted with age (`.age`): only the holder of a recipient's identity reads it. */
  encrypted?: true;
  /** How many public keys it was encrypted to (known to the run that wrote it; never the keys). */
  recipients?: number;
  /** Made from this earlier backup, the database being unchanged since (no pg_dump ran): the same content. */
  unchangedSince?: string;
  /**
   * The newest backup, which this one was to be made from, no longer matched its checksum: this one
   * is a dump instead. Every name of that file (backups made from one another) is damaged too.
   */
  previousDamaged?: string;
}

/**
 * Creates one full SQL backup in a folder. Knows nothing of rotation.
 * The dump goes to `<name>.partial` (0600, created exclusively), plain or gzipped; only a complete
 * dump is fsynced and renamed to its final name. On any failure no file of the backup name pattern is left.
 */
export class BackupCreator {
  readonly dir: string;
  private readonly folder: BackupFolder;
  private readonly source: DumpSource;
  private readonly gzipLevel?: number;
  private readonly fileMode: number;
  private readonly freeSpace: (path: string) => Promise<number>;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly flushEveryBytes: number;
  private readonly offsite?: OffsiteCopier;
  private readonly encryptTo?: readonly string[];
  private readonly encryptor: (recipients: readonly string[]) => Promise<Transform> | Transform;
  private readonly fullEveryMs: number;

  constructor(options: BackupCreatorOptions) {
    this.flushEveryBytes = options.flushEveryBytes ?? FLUSH_EVERY_BYTES;
    this.folder = options.folder;
    this.dir = options.folder.dir;
    this.source = options.source;
    this.gzipLevel = options.gzipLevel;
    this.fileMode = options.fileMode ?? DEFAULTS.fileMode;
    this.freeSpace = options.freeSpace ?? statfsFreeSpace;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silentLogger;
    this.offsite = options.offsite;
    // An empty list is no reason to write plaintext: it fails every backup (encryptAge refuses it).
    this.encryptTo = options.encryptTo;
    this.encryptor = options.encryptor ?? encryptAge;
    this.fullEveryMs = options.fullEveryMs ?? DEFAULTS.fullEveryMs;
  }

  /** The extension of the next backup: `.sql` or `.sql.gz`, then `.age` when it is encrypted. */
  private get extension(): string {
    return `${this.gzipLevel === undefined ? '.sql' : '.sql.gz'}${this.encryptTo ? '.age' : ''}`;
  }

  /** The name of the database backups are made of (asks the source: one connection). */
  async databaseName(): Promise<string> {
    return (await this.source.prepare()).database;
  }

  /** Checks that the folder exists (or creates the default one), is a folder, and can be written. */
  async checkFolder(): Promise<void> {
    await this.folder.check();
  }

  /**
   * Checks, without writing anything, that a backup can start now: the folder is usable, the database
   * answers, pg_dump fits it, and the folder has room. Throws the BackupError that `create` would.
   * Returns the database's name, the database server's clock (when it has its own) and the file extension.
   */
  async preflight(): Promise<Preflight> {
    await this.checkFolder();
    const { database, serverTime } = await this.source.prepare();
    const extension = this.extension;
    await ensureFreeSpace(this.dir, database, extension, this.freeSpace);
    return { database, extension, ...(serverTime ? { serverTime } : {}) };
  }

  /**
   * Writes a new, never-overwriting, timestamped backup and returns what was written: made from the
   * newest backup when the database provably did not change since (`unchangedSince`, no pg_dump; see
   * planInstantBackup), else by dumping the database; `full` always dumps. `checked` is the result of a `preflight` the caller just ran (it is not repeated); else one runs here.
   * `signal` stops the dump (BackupCancelledError from the source); the partial file is removed.
   * `offsiteSkipped`: no offsite copy is begun (the bucket did not answer earlier in the run); the
   * backup's `offsite` says so, as a failed copy the next backup's catch-up makes.
   */
  async create(
    checked?: Preflight,
    options: { signal?: AbortSignal; nameOffsetMs?: number; generation?: number; offsiteSkipped?: Problem; full?: boolean } = {},
  ): Promise<Backup> {
    const { database } = checked ?? (await this.preflight());
    // Named by this creator's settings, whatever `checked` says: an encrypting creator never names a plain file.
    const extension = this.extension;
    // A backup made from the newest one holds the state read now: it is named from this moment, not later.
    const planned = this.clock();
    // Read before anything else happens, so that it is also the "before" of a dump's proof (docs/instant-backups.md).
    const before = await this.readFingerprint();
    const newest = await newestBackupOf(this.folder, database).catch(() => undefined);
    const plan = planInstantBackup({
      full: options.full === true,
      fullEveryMs: this.fullEveryMs,
      nowMs: this.clock().getTime(),
      now: before,
      shape: this.shape(),
      extension,
      newest,
    });
    const reused = plan.dump || !newest ? undefined : await this.reuse(plan, newest, database, extension, planned, options);
    if (reused && !('damaged' in reused)) return reused;
    if (plan.dump) this.logger.info('backup.dumping', { reason: plan.reason });
    const dumped = await this.dump(database, extension, 'missing' in before ? undefined : before, options);
    return reused ? { ...dumped, previousDamaged: reused.damaged } : dumped;
  }

  /**
   * The database is as the newest backup holds it: a new backup with its content; `{ damaged }` when
   * that backup no longer matches its checksum, undefined when it cannot be linked or copied (the
   * caller dumps either way).
   */
  private async reuse(
    plan: Extract<InstantBackupPlan, { dump: false }>,
    entry: ManifestEntry,
    database: string,
    extension: string,
    clockStart: Date,
    options: { nameOffsetMs?: number; generation?: number; offsiteSkipped?: Problem },
  ): Promise<Backup | { damaged: string } | undefined> {
    try {
      return await reuseBackup(
        { folder: this.folder, clock: this.clock, logger: this.logger, ...(this.offsite ? { offsite: this.offsite } : {}) },
        { file: plan.from, sha256: plan.sha256, entry },
        {
          database,
          extension,
          startedAt: new Date(clockStart.getTime() + (options.nameOffsetMs ?? 0)),
          clockStart,
          ...(options.generation === undefined ? {} : { generation: options.generation }),
          ...(options.offsiteSkipped ? { offsiteSkipped: options.offsiteSkipped } : {}),
          ...(this.encryptTo ? { encryptedFor: this.encryptTo.length } : {}),
        },
      );
    } catch (error) {
      this.logger.warn('backup.reuse_failed', { from: plan.from, error });
      return undefined;
    }
  }

  /** The database's fingerprint now, or why there is none; never throws (no fingerprint means a dump). */
  private async readFingerprint(): Promise<DatabaseFingerprint | { missing: string }> {
    if (!this.source.fingerprint) return { missing: 'this database path reads no fingerprint' };
    try {
      return await this.source.fingerprint();
    } catch (error) {
      this.logger.warn('backup.fingerprint_unreadable', { error });
      return { missing: `the database's fingerprint could not be read: ${(error as Error).message}` };
    }
  }

  /** What shapes the file besides the database: the source's pg_dump and options, the compression, the recipients, the file mode (a link shares it). */
  private shape(): string {
    const compression = this.gzipLevel === undefined ? 'plain' : `gzip ${this.gzipLevel}`;
    const recipients = this.encryptTo
      ? `age to ${createHash('sha256')
          .update([...this.encryptTo].sort().join('\n'))
          .digest('hex')
          .slice(0, 16)}`
      : 'not encrypted';
    return `${this.source.dumpShape?.() ?? 'unknown dump'}; ${compression}; ${recipients}; mode ${this.fileMode.toString(8).padStart(4, '0')}`;
  }

  /**
   * Dumps the database into a new file. `before` is the fingerprint read just before: when the one read
   * after the dump proves nothing ended or moved meanwhile, the backup records it (docs/instant-backups.md).
   */
  private async dump(
    database: string,
    extension: string,
    before: DatabaseFingerprint | undefined,
    options: { signal?: AbortSignal; nameOffsetMs?: number; generation?: number; offsiteSkipped?: Problem },
  ): Promise<Backup> {
    // Before any file exists: an encryptor that cannot start leaves nothing behind.
    const encryptor = this.encryptTo ? await this.startEncryptor(this.encryptTo) : undefined;
    const clockStart = this.clock();
    // Named by this clock, moved on by `nameOffsetMs` when the caller found it behind the database server's.
    const startedAt = new Date(clockStart.getTime() + (options.nameOffsetMs ?? 0));
    const { file, partialPath, handle } = await openPartialBackup(this.dir, { database, startedAt, extension, fileMode: this.fileMode });
    const path = join(this.dir, file);
    // The offsite copy takes the chunks the hash reads anyway; one that cannot start costs the backup nothing.
    const skipped = options.offsiteSkipped;
    const copy = skipped
      ? undefined
      : await this.offsite?.begin(file, partialPath).catch((error: unknown) => {
          this.logger.warn('backup.offsite_not_started', { file, error });
          return undefined;
        });
    try {
      const scanner = new DumpScanner();
      const write = {
        handle,
        partialPath,
        source: this.source,
        ...(this.gzipLevel === undefined ? {} : { gzipLevel: this.gzipLevel }),
        scanner,
        signal: options.signal,
        // The copy gets the file's bytes as stored (gzip, ciphertext): a dump is opaque.
        onFileChunk: (chunk: Buffer) => copy?.write(chunk),
        flushEveryBytes: this.flushEveryBytes,
      };
      const sha256 = encryptor ? await writeEncrypted({ ...write, encryptor }) : await writeUnencrypted(write);
      const contents = contentsOf(checkComplete(scanner.end()));
      // What is recorded beside the backup, in the folder and the bucket: for an encrypted backup not
      // its table names, row counts and section digests, which would tell what the ciphertext hides.
      const recorded = this.encryptTo ? undefined : contents;
      const { size: bytes } = await handle.stat();
      const fingerprint = before && (await this.provenFingerprint(file, before));
      // Most of the data was flushed while pg_dump wrote it (write-behind): this waits for the rest.
      const syncStarted = performance.now();
      await handle.sync();
      const finalSyncMs = Math.round(performance.now() - syncStarted);
      // The file as hashed: while it stays so, a backup made from it needs no second read (reuseBackup).
      const hashed = stampOf(await fs.stat(partialPath, { bigint: true }));
      await handle.close();
      // Recorded before the backup is published, so that whoever sees the backup finds its entry
      // (a request sharing it reads its checksum without the lock); one folder fsync makes both durable.
      // A manifest that cannot be written costs the backup nothing: `verify` then says it has no entry.
      await this.folder.manifest
        .record(file, sha256, recorded, {
          durationMs: this.clock().getTime() - clockStart.getTime(),
          startedAtMs: clockStart.getTime(),
          ...(options.generation === undefined ? {} : { generation: options.generation }),
          hashed,
          origin: {
            // Encrypted: only a digest, as the contents are left out (the fingerprint names sequences and their values).
            ...(fingerprint && this.encryptTo ? { fingerprintSha256: fingerprintSha256(fingerprint) } : {}),
            ...(fingerprint && !this.encryptTo ? { fingerprint: fingerprintToJson(fingerprint) } : {}),
            shape: this.shape(),
            dumpedAtMs: clockStart.getTime(),
          },
        })
        .catch((error: unknown) => this.logger.warn('manifest.not_recorded', { file, error }));
      await publishBackup(partialPath, path);
      await fsyncFolder(this.dir);
      const backup: Backup = {
        file,
        path,
        bytes,
        sha256,
        startedAt: startedAt.toISOString(),
        durationMs: this.clock().getTime() - clockStart.getTime(),
        contents: { rows: contents.rows, largeObjects: contents.largeObjects },
        ...(this.encryptTo ? { encrypted: true as const, recipients: this.encryptTo.length } : {}),
      };
      // The local backup is whole and durable: only now may its copy complete and be recorded.
      if (copy)
        backup.offsite = await finishOffsiteCopy(copy, backup, recorded, { folder: this.folder, clock: this.clock, logger: this.logger });
      else if (skipped && this.offsite) backup.offsite = this.offsite.skipped(file, skipped);
      const { contents: _, offsite, ...logged } = backup;
      this.logger.info('backup.created', {
        ...logged,
        tables: Object.keys(contents.rows).length,
        finalSyncMs,
        ...(offsite ? { offsite: { url: offsite.url, status: offsite.status, ms: offsite.ms } } : {}),
      });
      return backup;
    } catch (error) {
      await copy?.abandon();
      await handle.close().catch(() => undefined);
      await fs.rm(partialPath, { force: true });
      throw error;
    }
  }

  /**
   * The fingerprint read after the dump, when it proves the dump holds the database as it is now
   * (nothing ran at `before`, nothing ended or moved since); else undefined and the reason logged.
   */
  private async provenFingerprint(file: string, before: DatabaseFingerprint): Promise<DatabaseFingerprint | undefined> {
    const after = await this.readFingerprint();
    const gap = 'missing' in after ? after.missing : dumpProofGap(before, after);
    if (gap) this.logger.info('backup.state_not_recorded', { file, reason: gap });
    return gap ? undefined : (after as DatabaseFingerprint);
  }

  /** The encryption stream for `recipients`, or DumpFailedError: with encryption configured, no backup is written without it. */
  private async startEncryptor(recipients: readonly string[]): Promise<Transform> {
    try {
      return await this.encryptor(recipients);
    } catch (error) {
      throw new DumpFailedError(
        `cannot encrypt the backup (BACKUP_ENCRYPT_RECIPIENTS): ${(error as Error).message}; no backup was written`,
        { cause: error },
      );
    }
  }
}

/** The facts of a dump that pg_dump finished: non-empty and ending with its completion marker and closing lines. */
function checkComplete(facts: DumpFacts): DumpFacts {
  if (facts.lines === 0) throw new DumpFailedError('pg_dump wrote nothing');
  if (!facts.complete) throw new DumpFailedError('the dump is incomplete: pg_dump did not write its completion marker');
  return facts;
}

import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { formatDuration } from '../../log/formatDuration.js';
import { silentLogger, type Logger } from '../../log/Logger.js';
import type { BackupFolder } from '../folder/BackupFolder.js';
import type { Problem } from '../Problem.js';
import { backupPrefix, parseBackupFileName } from '../retention/backupFileName.js';
import type { BackupBucket, PendingUpload } from './BackupBucket.js';
import { OffsiteError, offsiteError } from './offsiteError.js';
import { partSizeFor } from './partSizeFor.js';

/** At most this many missing backups are uploaded per run, so that a long outage does not make one POST slow. */
export const CATCH_UP_MAX_FILES = 3;
/** No further missing backup is started after this long in one run. */
export const CATCH_UP_BUDGET_MS = 60_000;
/** The listings and aborts before the uploads may take this long together (less when BACKUP_S3_TIMEOUT_MS is shorter): a hung server delays a backup by no more. */
export const BOOKKEEPING_TIMEOUT_MS = 15_000;
/** A multipart upload open this long is abandoned (a crash mid-copy), whoever started it. */
export const ABANDONED_AFTER_MS = 24 * 3_600_000;

/** What a catch-up run did. */
export interface CatchUpResult {
  /** The backups uploaded by this run, oldest first. */
  caughtUp: { file: string; key: string; ms: number }[];
  /** Abandoned multipart uploads aborted (their parts were billed and could never complete). */
  abortedUploads: number;
  /** This database's backups still not offsite after it (folder and archive). */
  notOffsite: number;
  /**
   * Backups it would not copy: no sha256 was recorded when they were written, or the file no longer
   * matches it. Their copy could not be vouched for; they stay local (and `notOffsite`) until verified.
   */
  refused: { file: string; reason: string }[];
  /** Why it stopped before every missing backup was uploaded (the bucket unreachable, a refused secret). */
  problem?: Problem;
}

export interface OffsiteCatchUpOptions {
  bucket: BackupBucket;
  folder: BackupFolder;
  /** How long one upload may take before it is stopped (BACKUP_S3_TIMEOUT_MS). */
  timeoutMs: number;
  maxFiles?: number;
  budgetMs?: number;
  clock?: () => Date;
  logger?: Logger;
}

/**
 * Uploads the backups whose offsite copy failed, before the next backup (under the folder's lock):
 * oldest first, at most `maxFiles` or `budgetMs` a run, from the folder and from `archive/` (to the
 * matching key). The bucket's listing, read once, is the truth: a backup whose record is there is not
 * uploaded again (its local mark is repaired). Each upload is hashed on the way and must match the
 * sha256 recorded locally, else its object is deleted and the run stops. An interrupted run leaves the
 * rest missing for the next. First, abandoned multipart uploads under the prefix are aborted.
 */
export class OffsiteCatchUp {
  private readonly clock: () => Date;
  private readonly logger: Logger;

  constructor(private readonly options: OffsiteCatchUpOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silentLogger;
  }

  /** Catches up `database`'s backups; never throws (a failure is the result's `problem`). */
  async run(database: string, signal?: AbortSignal): Promise<CatchUpResult> {
    const { folder, bucket } = this.options;
    const ours = (file: string) => parseBackupFileName(file)?.database === backupPrefix(database);
    const started = performance.now();
    const result: CatchUpResult = { caughtUp: [], abortedUploads: 0, notOffsite: 0, refused: [] };
    const bookkeepingMs = Math.min(BOOKKEEPING_TIMEOUT_MS, this.options.timeoutMs);
    const deadline = AbortSignal.timeout(bookkeepingMs);
    const bounded = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      let missing = await folder.manifest.notOffsite(ours, bucket.location);
      result.abortedUploads = await this.abortAbandoned(bounded);
      if (missing.length > 0) {
        const listing = await bucket.list(bounded);
        const keyOf = new Map([...listing.backups, ...listing.archived].map(({ file, key }) => [file, key]));
        for (const { file, place } of missing.filter(({ file }) => listing.records.has(file))) {
          // Copied and recorded, but not marked here (the mark could not be written): no second upload.
          const key = keyOf.get(file) ?? bucket.keyOf(file, place);
          await folder.manifest.recordOffsite(file, { url: bucket.url(key), key, at: this.clock().toISOString() });
        }
        missing = missing.filter(({ file }) => !listing.records.has(file));
        for (const { file, place } of missing) {
          if (result.caughtUp.length >= (this.options.maxFiles ?? CATCH_UP_MAX_FILES)) break;
          if (performance.now() - started >= (this.options.budgetMs ?? CATCH_UP_BUDGET_MS)) break;
          try {
            result.caughtUp.push(await this.upload(file, place, signal));
          } catch (error) {
            // One backup that cannot be vouched for must not hold up the others behind it.
            if (!(error instanceof OffsiteError && error.code === 'OFFSITE_REFUSED')) throw error;
            result.refused.push({ file, reason: error.message });
            this.logger.warn('offsite.copy_refused', { file, reason: error.message });
          }
        }
      }
    } catch (error) {
      const where = bucket.url(bucket.location.prefix);
      const mapped = offsiteError(error, where);
      const failure =
        mapped.code === 'OFFSITE_CANCELLED' && deadline.aborted && !signal?.aborted
          ? new OffsiteError('OFFSITE_TIMEOUT', `${where} did not answer within ${formatDuration(bookkeepingMs)}; nothing was uploaded`)
          : mapped;
      result.problem = { code: failure.code, message: failure.message };
      this.logger.warn('offsite.catch_up_stopped', { ...result.problem, caughtUp: result.caughtUp.length });
    }
    result.notOffsite = (await folder.manifest.notOffsite(ours, bucket.location).catch(() => [])).length;
    if (result.caughtUp.length > 0 || result.abortedUploads > 0)
      this.logger.info('offsite.caught_up', {
        caughtUp: result.caughtUp,
        refused: result.refused.map(({ file }) => file),
        abortedUploads: result.abortedUploads,
        notOffsite: result.notOffsite,
      });
    return result;
  }

  /**
   * Aborts the multipart uploads under the prefix that can never complete: those open for over a day,
   * and those of a backup this folder has published (its copy ran under this lock, which this run holds).
   */
  private async abortAbandoned(signal?: AbortSignal): Promise<number> {
    const { bucket, folder } = this.options;
    const now = this.clock().getTime();
    const published = async ({ key }: PendingUpload) => {
      const name = key.slice(bucket.location.prefix.length);
      if (name === parseBackupFileName(name)?.file) return (await fs.stat(folder.path(name)).catch(() => undefined)) !== undefined;
      const archived = name.startsWith('archive/') ? name.slice('archive/'.length) : '';
      return (
        parseBackupFileName(archived) !== undefined && (await fs.stat(folder.archivedPath(archived)).catch(() => undefined)) !== undefined
      );
    };
    let aborted = 0;
    for (const upload of await bucket.pendingUploads(signal)) {
      const old = upload.initiated !== undefined && now - upload.initiated.getTime() > ABANDONED_AFTER_MS;
      if (old || (await published(upload))) {
        await bucket.abortUpload(upload, signal);
        aborted++;
      }
    }
    return aborted;
  }

  /**
   * Uploads one backup from its file, then writes its record and marks it. The bytes are hashed on the
   * way and must be those recorded when the backup was written: else the upload is aborted before it
   * completes (OFFSITE_REFUSED), so no object that is not the backup ever appears under its name.
   */
  private async upload(
    file: string,
    place: 'folder' | 'archive',
    signal?: AbortSignal,
  ): Promise<{ file: string; key: string; ms: number }> {
    const { bucket, folder, timeoutMs } = this.options;
    const started = performance.now();
    const path = place === 'folder' ? folder.path(file) : folder.archivedPath(file);
    const { size } = await fs.stat(path);
    const entry = await folder.manifest.entry(file);
    if (!entry.sha256) {
      throw new OffsiteError(
        'OFFSITE_REFUSED',
        `${file} has no sha256 recorded when it was written (no line in SHA256SUMS): its copy could not be vouched for, so it was not copied offsite`,
      );
    }
    const key = bucket.keyOf(file, place);
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), timeoutMs);
    try {
      await bucket
        .upload(file, Readable.from(checkedChunks(path, file, { sha256: entry.sha256, bytes: size })), {
          partSize: partSizeFor(size),
          place,
          signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal,
        })
        .catch((error: unknown) => {
          throw stop.signal.aborted
            ? new OffsiteError(
                'OFFSITE_TIMEOUT',
                `the upload of ${bucket.url(key)} took over ${formatDuration(timeoutMs)} (BACKUP_S3_TIMEOUT_MS); stopped`,
              )
            : error;
        });
    } finally {
      clearTimeout(timer);
    }
    await bucket.putRecord(
      {
        file,
        sha256: entry.sha256,
        bytes: size,
        startedAt: parseBackupFileName(file)!.takenAt.toISOString(),
        ...(entry.contents ? { contents: entry.contents } : {}),
      },
      signal,
    );
    await folder.manifest.recordOffsite(file, { url: bucket.url(key), key, at: this.clock().toISOString() });
    return { file, key, ms: Math.round(performance.now() - started) };
  }
}

/**
 * The file's bytes in 1 MiB chunks, hashed on the way. At the end, before the upload can complete, they
 * must be `expected` (its size and sha256): else the body fails, and with it the upload.
 */
async function* checkedChunks(path: string, file: string, expected: { sha256: string; bytes: number }): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await fs.open(path, 'r');
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      bytes += bytesRead;
      yield chunk;
    }
  } finally {
    await handle.close();
  }
  if (bytes !== expected.bytes || hash.digest('hex') !== expected.sha256) {
    throw new OffsiteError(
      'OFFSITE_REFUSED',
      `${file} no longer matches the sha256 recorded when it was written (db-backup verify ${file}): not copied offsite`,
    );
  }
}

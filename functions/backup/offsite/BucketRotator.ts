import { AppError } from '../../errors/AppError.js';
import { silentLogger, type Logger } from '../../log/Logger.js';
import type { Problem } from '../Problem.js';
import { clockSkew } from '../retention/clockSkew.js';
import type { RotationPlan } from '../retention/planRotation.js';
import type { RetentionPolicy } from '../retention/RetentionPolicy.js';
import type { RotationResult } from '../retention/BackupRotator.js';
import { atMostAtOnce } from './atMostAtOnce.js';
import type { BackupBucket, BucketListing } from './BackupBucket.js';
import { BucketRotationIncompleteError, type FailedArchive } from './BucketRotationIncompleteError.js';
import { interruptedMoves } from './interruptedMoves.js';
import { type OffsiteError, offsiteError } from './offsiteError.js';
import { planBucketRotation } from './planBucketRotation.js';
import { purgedRecords } from './purgedRecords.js';

export interface BucketRotatorOptions {
  bucket: BackupBucket;
  policy: RetentionPolicy;
  /** This machine's clock: the default `now`, and what the bucket's clock must agree with before anything is archived or deleted. */
  clock?: () => Date;
  logger?: Logger;
  /** Archive moves (a server-side copy, then a delete) under way at once. */
  concurrency?: number;
}

export interface BucketRotationScope {
  /** Only this database's backups (others may share the prefix). */
  database?: string;
  /** Stops the rotation between requests (and the request under way); what was done stays done. */
  signal?: AbortSignal;
}

/** A plan from the bucket's listing, and the CLOCK_SKEW problem when this machine's clock and the bucket's disagree (then rotate() refuses). */
export interface BucketPlan {
  plan: RotationPlan;
  clockProblem?: Problem;
}

/** Files purged per pair of DeleteObjects requests (their backups, then their records): at most 1,000 keys each. */
const PURGE_BATCH = 1000;
/** Failures of the whole bucket, not of one backup: the rotation stops rather than try every other backup in vain. */
const STOPS_THE_ROTATION = new Set(['OFFSITE_UNREACHABLE', 'OFFSITE_CANCELLED', 'OFFSITE_BUCKET_MISSING', 'OFFSITE_SERVER_ERROR']);
/** The clocks a rotation of the bucket compares, as CLOCK_SKEW names them. */
export const BUCKET_CLOCKS = { ours: "this machine's clock", theirs: "the bucket's (the Date of its server's answer)" };
/** What a plan that is not carried out says about clocks that disagree. */
export const WOULD_NOT_ROTATE = 'a rotation would archive and delete nothing until they agree';

/**
 * Manages the backups in the bucket the way BackupRotator manages the folder's: plans from the
 * bucket's own paged listing with the same rules (`planBucketRotation`), then carries the plan out
 * with requests to the bucket only. Archiving is a server-side copy to `archive/` then the original
 * deleted, its record kept; a purge deletes the backup, then its record. Keys that are not backups
 * (the listing's `others`) are never touched. Knows nothing of the local folder. The bucket's clock
 * is a witness: when this machine's clock and the `Date` of the listing disagree beyond the policy's
 * clock tolerance, nothing is archived or deleted (a mis-set clock would otherwise purge the bucket).
 */
export class BucketRotator {
  readonly bucket: BackupBucket;
  readonly policy: RetentionPolicy;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly concurrency: number;

  constructor(options: BucketRotatorOptions) {
    this.bucket = options.bucket;
    this.policy = options.policy;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silentLogger;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  /** Lists the bucket and returns what a rotation at `now` would do, and whether the clocks forbid it; changes nothing. */
  async plan(now: Date = this.clock(), scope: BucketRotationScope = {}): Promise<BucketPlan> {
    const { plan, clockProblem } = await this.planned(now, scope, WOULD_NOT_ROTATE);
    return { plan, ...(clockProblem ? { clockProblem } : {}) };
  }

  /**
   * Plans from a fresh listing and applies: archives (never over an archived object of that name:
   * the plan skips it, unless it is this backup's own copy left by a move that stopped half-way, which
   * is then finished), then purges expired backups with their records. Throws CLOCK_SKEW, having done
   * nothing, when this machine's clock and the bucket's disagree (`now` itself may be another instant:
   * `--now`, by the caller's word). Backups that cannot be archived are left where they are and the
   * rest goes on; then, or when stopped part-way, throws BucketRotationIncompleteError with what was done.
   */
  async rotate(now: Date = this.clock(), scope: BucketRotationScope = {}): Promise<RotationResult> {
    const { listing, plan: planned, clockProblem } = await this.planned(now, scope);
    if (clockProblem) throw new AppError(clockProblem.code, clockProblem.message, { expose: true });
    const { signal } = scope;
    // A move that stopped between its copy and its delete is finished by the delete alone.
    const finishing = new Set(interruptedMoves(listing, planned, await this.copiesOf(planned.skipped, signal)));
    const plan = {
      ...planned,
      archived: [...planned.archived, ...finishing],
      skipped: planned.skipped.filter(({ file }) => !finishing.has(file)),
    };
    const backups = new Map(listing.backups.map((backup) => [backup.file, backup]));
    const archived = new Set<string>();
    const failedArchives: FailedArchive[] = [];
    const deletedFromMain: string[] = [];
    const deletedFromArchive: string[] = [];
    const records = purgedRecords(listing, plan, scope.database);
    const done = () => ({ ...plan, archived: plan.archived.filter((file) => archived.has(file)), deletedFromMain, deletedFromArchive });
    try {
      await atMostAtOnce(plan.archived, this.concurrency, async (file) => {
        signal?.throwIfAborted();
        try {
          if (finishing.has(file)) await this.bucket.deleteKeys([this.bucket.keyOf(file)], signal);
          else await this.bucket.archive(backups.get(file) ?? { file, bytes: 0 }, signal);
          archived.add(file);
        } catch (error) {
          const reason = offsiteError(error, this.bucket.url(this.bucket.keyOf(file)));
          // One backup's copy refused (too large, gone meanwhile): the others are still archived.
          if (signal?.aborted || STOPS_THE_ROTATION.has(reason.code)) throw reason;
          failedArchives.push({ file, reason });
        }
      });
      await this.purge(plan.deletedFromMain, 'folder', deletedFromMain, signal);
      await this.purge(plan.deletedFromArchive, 'archive', deletedFromArchive, signal);
      // After their backups: a record that outlives its backup is harmless (and purged next time), a backup without one is not.
      signal?.throwIfAborted();
      await this.bucket.deleteKeys(
        records.map((file) => this.bucket.recordKey(file)),
        signal,
      );
    } catch (error) {
      const stoppedBy: OffsiteError = offsiteError(error, this.bucket.url(this.bucket.location.prefix));
      throw new BucketRotationIncompleteError(done(), plan, { stoppedBy, failedArchives });
    }
    if (failedArchives.length > 0) throw new BucketRotationIncompleteError(done(), plan, { failedArchives });
    this.logger.info('offsite.rotation.done', {
      kept: plan.kept.length,
      archived: plan.archived.length,
      deleted: deletedFromMain.length + deletedFromArchive.length,
      records: records.length,
      skipped: plan.skipped.length,
      futureDated: plan.futureDated,
    });
    for (const { file } of plan.skipped) this.logger.warn('offsite.rotation.skipped', { file, reason: `archive/${file} already exists` });
    return plan;
  }

  private async planned(now: Date, scope: BucketRotationScope, consequence?: string): Promise<{ listing: BucketListing } & BucketPlan> {
    const listing = await this.bucket.list(scope.signal);
    const clocks = { ...BUCKET_CLOCKS, ...(consequence ? { consequence } : {}) };
    const { problem } = clockSkew(this.clock(), listing.serverTime, this.policy.clockToleranceMs, clocks);
    const plan = planBucketRotation(listing, now, this.policy, scope.database);
    return { listing, plan, ...(problem ? { clockProblem: problem } : {}) };
  }

  /** The source ETag each skipped backup's archived namesake says it was copied from (one HEAD each). */
  private async copiesOf(skipped: RotationPlan['skipped'], signal?: AbortSignal): Promise<Map<string, string | undefined>> {
    const copiedFrom = new Map<string, string | undefined>();
    await atMostAtOnce(skipped, this.concurrency, async ({ file }) => {
      copiedFrom.set(file, await this.bucket.copiedFrom(this.bucket.keyOf(file, 'archive'), signal));
    });
    return copiedFrom;
  }

  /** Deletes `files` from the folder or the archive, a batch at a time, each batch recorded in `done` once deleted. */
  private async purge(files: readonly string[], place: 'folder' | 'archive', done: string[], signal?: AbortSignal): Promise<void> {
    for (let start = 0; start < files.length; start += PURGE_BATCH) {
      signal?.throwIfAborted();
      const batch = files.slice(start, start + PURGE_BATCH);
      await this.bucket.deleteKeys(
        batch.map((file) => this.bucket.keyOf(file, place)),
        signal,
      );
      done.push(...batch);
    }
  }
}

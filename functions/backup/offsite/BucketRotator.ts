import { silentLogger, type Logger } from '../../log/Logger.js';
import type { RotationPlan } from '../retention/planRotation.js';
import type { RetentionPolicy } from '../retention/RetentionPolicy.js';
import type { RotationResult } from '../retention/BackupRotator.js';
import type { BackupBucket, BucketListing } from './BackupBucket.js';
import { BucketRotationIncompleteError } from './BucketRotationIncompleteError.js';
import { interruptedMoves } from './interruptedMoves.js';
import { offsiteError } from './offsiteError.js';
import { planBucketRotation } from './planBucketRotation.js';
import { purgedRecords } from './purgedRecords.js';

export interface BucketRotatorOptions {
  bucket: BackupBucket;
  policy: RetentionPolicy;
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

/** Files purged per pair of DeleteObjects requests (their backups, then their records): at most 1,000 keys each. */
const PURGE_BATCH = 1000;

/**
 * Manages the backups in the bucket the way BackupRotator manages the folder's: plans from the
 * bucket's own paged listing with the same rules (`planBucketRotation`), then carries the plan out
 * with requests to the bucket only. Archiving is a server-side copy to `archive/` then the original
 * deleted, its record kept; a purge deletes the backup, then its record. Keys that are not backups
 * (the listing's `others`) are never touched. Knows nothing of the local folder.
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

  /** Lists the bucket and returns what a rotation at `now` would do; changes nothing. */
  async plan(now: Date = this.clock(), scope: BucketRotationScope = {}): Promise<RotationPlan> {
    return (await this.planned(now, scope)).plan;
  }

  /**
   * Plans from a fresh listing and applies: archives (never over an archived object of that name:
   * the plan skips it, unless it is this backup's own copy left by a move that stopped half-way, which
   * is then finished), then purges expired backups with their records. Stopping part-way throws
   * BucketRotationIncompleteError with what was done.
   */
  async rotate(now: Date = this.clock(), scope: BucketRotationScope = {}): Promise<RotationResult> {
    const { listing, plan: planned } = await this.planned(now, scope);
    const { signal } = scope;
    // A move that stopped between its copy and its delete is finished by the delete alone.
    const finishing = new Set(interruptedMoves(listing, planned));
    const plan = {
      ...planned,
      archived: [...planned.archived, ...finishing],
      skipped: planned.skipped.filter(({ file }) => !finishing.has(file)),
    };
    const archived = new Set<string>();
    const deletedFromMain: string[] = [];
    const deletedFromArchive: string[] = [];
    const records = purgedRecords(listing, plan, scope.database);
    try {
      await atMostAtOnce(plan.archived, this.concurrency, async (file) => {
        signal?.throwIfAborted();
        if (finishing.has(file)) await this.bucket.deleteKeys([this.bucket.keyOf(file)], signal);
        else await this.bucket.archive(file, signal);
        archived.add(file);
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
      const done = { ...plan, archived: plan.archived.filter((file) => archived.has(file)), deletedFromMain, deletedFromArchive };
      throw new BucketRotationIncompleteError(done, plan, offsiteError(error, this.bucket.url(this.bucket.location.prefix)));
    }
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

  private async planned(now: Date, scope: BucketRotationScope): Promise<{ listing: BucketListing; plan: RotationPlan }> {
    const listing = await this.bucket.list(scope.signal);
    return { listing, plan: planBucketRotation(listing, now, this.policy, scope.database) };
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

/** Runs `work` on every item, at most `limit` at once; after the first failure starts no more, waits for the rest, then throws it. */
async function atMostAtOnce<Item>(items: readonly Item[], limit: number, work: (item: Item) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as Item;
      await work(item).catch((error: unknown) => {
        failure ??= { error };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

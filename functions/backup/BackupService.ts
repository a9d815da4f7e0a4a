import { silentLogger, type Logger } from '../log/Logger.js';
import { formatDuration } from '../log/formatDuration.js';
import type { Backup, BackupCreator } from './dump/BackupCreator.js';
import { BackupCancelledError, BackupInProgressError } from './errors.js';
import { type Arrival, backupStartedSince } from './folder/backupStartedSince.js';
import type { BackupFolder } from './folder/BackupFolder.js';
import { whileFolderBusy } from './folder/whileFolderBusy.js';
import { bucketNotAnswering } from './offsite/bucketNotAnswering.js';
import type { BucketRotator } from './offsite/BucketRotator.js';
import { type BucketRotationOutcome, rotateBucketIfSafe } from './offsite/rotateBucketIfSafe.js';
import type { CatchUpResult, OffsiteCatchUp } from './offsite/OffsiteCatchUp.js';
import type { Problem } from './Problem.js';
import type { BackupRotator, RotationResult } from './retention/BackupRotator.js';
import { emptyPlan } from './retention/planRotation.js';
import { rotateIfSafe } from './retention/rotateIfSafe.js';
import type { ScratchDatabase } from './verify/ScratchDatabase.js';
import { type NewBackupVerification, verifyNewBackup } from './verify/verifyNewBackup.js';

export type { Problem } from './Problem.js';

/** A request's recorded arrival older than this (or in the future) is not believed: its clock is off. */
const ARRIVAL_PLAUSIBLE_MS = 15 * 60_000;

export interface RotateThenBackUpResult {
  backup: Backup;
  /** The backup was written by another request's run that started after this one arrived: shared, not repeated. */
  coalesced?: boolean;
  /** With a verifier (BACKUP_VERIFY=after-create): the new backup's verification. */
  verification?: NewBackupVerification;
  /** What the rotation did (nothing, when `rotationProblem` says why). */
  rotation: RotationResult;
  rotationProblem?: Problem;
  /** With a bucket (BACKUP_S3_URL): what the bucket's rotation did, and why it did less (`problem`). */
  offsiteRotation?: BucketRotationOutcome;
  /** With offsite copies (BACKUP_S3_URL): the earlier backups uploaded before this one, because their copy had failed. */
  catchUp?: CatchUpResult;
}

export interface BackupServiceParts {
  folder: BackupFolder;
  creator: BackupCreator;
  rotator: BackupRotator;
  /** Rotates the bucket's backups after the folder's (BACKUP_S3_URL), planned from the bucket's own listing. */
  bucketRotator?: BucketRotator;
  /** The database, for its status file (known from the settings, also when the database is down). */
  database?: string;
  logger?: Logger;
  clock?: () => Date;
  /** Verifies every new backup in this scratch database before answering (BACKUP_VERIFY=after-create). */
  verifier?: ScratchDatabase;
  /** Uploads the backups whose offsite copy failed, before the rotation (BACKUP_S3_URL). */
  catchUp?: OffsiteCatchUp;
}

/**
 * What the API does on POST /db-backup: under the backup folder's lock, rotate the existing backups,
 * then write a new one. The creator and the rotator stay independent; only this composes them.
 */
export class BackupService {
  private readonly folder: BackupFolder;
  private readonly creator: BackupCreator;
  private readonly rotator: BackupRotator;
  private readonly bucketRotator?: BucketRotator;
  private readonly database?: string;
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private readonly verifier?: ScratchDatabase;
  private readonly catchUp?: OffsiteCatchUp;

  constructor(parts: BackupServiceParts) {
    this.folder = parts.folder;
    this.creator = parts.creator;
    this.rotator = parts.rotator;
    this.bucketRotator = parts.bucketRotator;
    this.database = parts.database;
    this.logger = parts.logger ?? silentLogger;
    this.clock = parts.clock ?? (() => new Date());
    this.verifier = parts.verifier;
    this.catchUp = parts.catchUp;
  }

  /**
   * Rotates, then backs up. While another run holds the folder it waits (up to `waitMs`), and the
   * first backup that began after this request arrived — its own, or one another waiting request
   * started — answers it (`coalesced`): at most one dump runs and one more waits to start, whatever
   * the number of callers. Then BackupInProgressError. A rotation that cannot be done is reported in
   * `rotationProblem` and the backup is still written. `signal` cancels (BackupCancelledError): a
   * rotation under way finishes, a running dump is stopped and its partial file removed.
   */
  async rotateThenBackUp(
    options: { signal?: AbortSignal; waitMs?: number; arrivedAt?: number; full?: boolean } = {},
  ): Promise<RotateThenBackUpResult> {
    // The request's arrival: the folder's backup generation now (no clock involved), and the time its
    // gateway recorded, when that is plausible by this clock (at most 15 minutes ago, not in the future).
    const now = this.clock().getTime();
    const given = options.arrivedAt;
    const arrived: Arrival = {
      generation: await this.folder.generation.current(),
      ...(given && given <= now && now - given <= ARRIVAL_PLAUSIBLE_MS ? { atMs: given } : {}),
    };
    let database: string | undefined;
    const waitMs = options.waitMs ?? 0;
    return whileFolderBusy(
      async (retry) => {
        // A published backup is whole (renamed into place after its fsync): sharing one needs no lock, so
        // every waiter sees the follow-up backup at once instead of taking the lock in turn.
        if (retry) database ??= await this.databaseName();
        const shared = database ? await this.sharedSince(database, arrived, options.full) : undefined;
        return shared ?? (await this.runOnce(arrived, options.signal, options.full));
      },
      {
        waitMs,
        signal: options.signal,
        givenUp: (error) =>
          new BackupInProgressError(
            `waited ${Math.round(waitMs / 1000)} s for the running backup of this folder to end (the request's wait limit): no backup taken; try again`,
            { cause: error },
          ),
      },
    );
  }

  /** Writes a new backup without rotating; `full`: a real dump, even if the database did not change. */
  async backUp(options: { full?: boolean } = {}): Promise<Backup> {
    return this.folder.withLock(() => this.creator.create(undefined, { full: options.full === true }));
  }

  /**
   * Rotates without backing up, waiting up to `waitMs` for a run that holds the folder (a cron job's
   * rotation should not fail because a backup was running; `rotation.waiting` is logged once).
   * `waitedMs`: how long it waited for the lock, 0 when the folder was free.
   */
  async rotate(now?: Date, options: { waitMs?: number } = {}): Promise<{ rotation: RotationResult; waitedMs: number }> {
    const started = performance.now();
    const waitMs = options.waitMs ?? 0;
    return whileFolderBusy(
      (retry) =>
        this.folder.withLock(async () => {
          const rotation = await this.rotator.rotate(now);
          return { rotation, waitedMs: retry ? Math.max(1, Math.round(performance.now() - started)) : 0 };
        }),
      {
        waitMs,
        onFirstWait: (error) => this.logger.warn('rotation.waiting', { dir: this.folder.dir, reason: error.message, waitMs }),
        givenUp: (error) =>
          new BackupInProgressError(
            `waited ${formatDuration(waitMs)} for the backup or rotation holding ${this.folder.dir} to end (the wait limit): nothing was rotated; try again`,
            { cause: error },
          ),
      },
    );
  }

  /** The bucket's rotation not tried in this run: nothing in the bucket changed, and why. */
  private skippedBucketRotation(rotator: BucketRotator, now: Date, skip: Problem): BucketRotationOutcome {
    return {
      rotation: emptyPlan(now, rotator.policy),
      problem: { ...skip, message: `${skip.message}; nothing in the bucket was archived or deleted` },
    };
  }

  private async databaseName(): Promise<string> {
    return this.database ?? (await this.creator.databaseName().catch(() => 'unknown'));
  }

  /**
   * A backup of `database` that began after the request arrived, as an answer (for a `full` request,
   * only a real dump); looking for one never fails a run.
   */
  private async sharedSince(database: string, arrived: Arrival, full = false): Promise<RotateThenBackUpResult | undefined> {
    const shared = await backupStartedSince(this.folder, database, arrived, { dumpedOnly: full }).catch(() => undefined);
    return shared && { backup: shared, rotation: emptyPlan(this.clock(), this.rotator.policy), coalesced: true };
  }

  /** One run under the lock: share a backup that began meanwhile, or check, rotate, back up and verify; the outcome recorded. */
  private async runOnce(arrived: Arrival, signal?: AbortSignal, full = false): Promise<RotateThenBackUpResult> {
    const database = await this.databaseName();
    const status = this.folder.status(database);
    try {
      throwIfCancelled(signal);
      const result = await this.folder.withLock(async (lockLost): Promise<RotateThenBackUpResult> => {
        const shared = await this.sharedSince(database, arrived, full);
        if (shared) return shared;
        // A backup that cannot start (database down, disk full) must not rotate either: it changes nothing.
        const checked = await this.creator.preflight();
        throwIfCancelled(signal, lockLost);
        // Copies that failed go first (before the rotation could archive them): the bucket then holds
        // every backup the rules keep. Bounded per run; a failure here is reported, never fatal.
        const catchUp = await this.catchUp?.run(checked.database, signal ? AbortSignal.any([signal, lockLost]) : lockLost);
        throwIfCancelled(signal, lockLost);
        const now = this.clock();
        const { rotation, problem, nameOffsetMs } = await rotateIfSafe(this.rotator, checked, now, this.logger);
        // One rule for the run's bucket steps: once the bucket did not answer (unreachable, hung, 5xx after
        // retries), the later steps are skipped, so a dead server costs one step's limit, not each one's.
        let bucketSkip = bucketNotAnswering(catchUp?.problem);
        // The bucket by its own listing, with the same clock guard; a bucket it cannot rotate never stops the backup.
        const offsiteRotation =
          this.bucketRotator &&
          (bucketSkip
            ? this.skippedBucketRotation(this.bucketRotator, now, bucketSkip)
            : await rotateBucketIfSafe(this.bucketRotator, checked, now, this.logger, {
                signal: signal ? AbortSignal.any([signal, lockLost]) : lockLost,
              }));
        bucketSkip ??= bucketNotAnswering(offsiteRotation?.bucketFailure);
        if (bucketSkip) this.logger.warn('offsite.skipped', { ...bucketSkip });
        throwIfCancelled(signal, lockLost);
        // This run's generation, counted before pg_dump starts: requests arriving from now on read it.
        const generation = await this.folder.generation.next(await this.folder.manifest.maxGeneration());
        const backup = await this.creator
          .create(checked, {
            signal: signal ? AbortSignal.any([signal, lockLost]) : lockLost,
            nameOffsetMs,
            generation,
            full,
            ...(bucketSkip ? { offsiteSkipped: { ...bucketSkip, message: `${bucketSkip.message}; the next backup uploads it` } } : {}),
          })
          .catch((error: unknown) => {
            throw lockLost.aborted ? lockLost.reason : error;
          });
        await this.folder.names.record(checked.database).catch((error: unknown) => this.logger.warn('names.not_recorded', { error }));
        const verification = this.verifier
          ? await verifyNewBackup(backup, { verifier: this.verifier, folder: this.folder, clock: this.clock, logger: this.logger })
          : undefined;
        return {
          backup,
          rotation,
          ...(problem ? { rotationProblem: problem } : {}),
          ...(offsiteRotation ? { offsiteRotation } : {}),
          ...(verification ? { verification } : {}),
          ...(catchUp ? { catchUp } : {}),
        };
      });
      // A shared backup was recorded by the run that wrote it.
      if (!result.coalesced) await status.recordWritten(result, this.logger);
      return result;
    } catch (error) {
      // Another run holding the folder is no attempt; this API stopping (a deploy) is logged, but is no
      // failure of the backups that /health should report.
      if (!(error instanceof BackupInProgressError)) {
        if (!(error instanceof BackupCancelledError)) await status.recordFailed(error, this.clock(), this.logger);
        this.logger.error('backup.failed', { error, detail: (error as { detail?: string }).detail });
      }
      throw error;
    }
  }
}

function throwIfCancelled(signal: AbortSignal | undefined, lockLost?: AbortSignal): void {
  if (lockLost?.aborted) throw lockLost.reason;
  if (signal?.aborted) throw new BackupCancelledError('cancelled before it started (the API is stopping)');
}

import { silentLogger, type Logger } from '../log/Logger.js';
import type { Backup, BackupCreator } from './dump/BackupCreator.js';
import { type BackupRotator, RotationIncompleteError, type RotationResult } from './retention/BackupRotator.js';
import { AppError } from '../errors/AppError.js';
import { BackupCancelledError, BackupInProgressError } from './errors.js';
import { DatabaseNames } from './folder/DatabaseNames.js';
import { stopLeftoverDumps } from './folder/stopLeftoverDumps.js';
import { emptyPlan } from './retention/planRotation.js';
import { BackupStatus } from './folder/BackupStatus.js';
import { withFolderLock } from './folder/withFolderLock.js';
import { type Arrival, backupStartedSince } from './folder/backupStartedSince.js';
import { BackupGeneration } from './folder/BackupGeneration.js';

/** How often a request waiting for the folder tries the lock again. */
const WAIT_POLL_MS = 100;
/** A request's recorded arrival older than this (or in the future) is not believed: its clock is off. */
const ARRIVAL_PLAUSIBLE_MS = 15 * 60_000;
import { BackupManifest } from './folder/BackupManifest.js';
import type { ScratchDatabase } from './verify/ScratchDatabase.js';
import { type NewBackupVerification, verifyNewBackup } from './verify/verifyNewBackup.js';

/** Why a rotation was not done: a stable code and a message for the operator. */
export interface Problem {
  code: string;
  message: string;
}

export interface RotateThenBackUpResult {
  backup: Backup;
  /** The backup was written by another request's run that started after this one arrived: shared, not repeated. */
  coalesced?: boolean;
  /** With a verifier (BACKUP_VERIFY=after-create): the new backup's verification. */
  verification?: NewBackupVerification;
  /** What the rotation did (nothing, when `rotationProblem` says why). */
  rotation: RotationResult;
  rotationProblem?: Problem;
}

export interface BackupServiceParts {
  creator: BackupCreator;
  rotator: BackupRotator;
  /** The database, for its status file (known from the settings, also when the database is down). */
  database?: string;
  logger?: Logger;
  clock?: () => Date;
  /** Verifies every new backup in this scratch database before answering (BACKUP_VERIFY=after-create). */
  verifier?: ScratchDatabase;
}

/**
 * What the API does on POST /db-backup: under the backup folder's lock, rotate the existing backups,
 * then write a new one. The creator and the rotator stay independent; only this composes them.
 */
export class BackupService {
  readonly creator: BackupCreator;
  readonly rotator: BackupRotator;
  private readonly database?: string;
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private readonly verifier?: ScratchDatabase;

  constructor(parts: BackupServiceParts) {
    this.creator = parts.creator;
    this.database = parts.database;
    this.rotator = parts.rotator;
    this.logger = parts.logger ?? silentLogger;
    this.clock = parts.clock ?? (() => new Date());
    this.verifier = parts.verifier;
  }

  /**
   * Rotates, then backs up; throws BackupInProgressError when another run holds the folder. Every
   * attempt that got the lock is recorded in the folder's status file (read by GET /health).
   * A rotation that cannot be done — this API's clock and the database server's disagree, the archive
   * cannot be changed — is reported in `rotationProblem` and the backup is still written: only what
   * makes a backup impossible (no database, no room, no usable folder) stops it.
   * `signal` cancels (BackupCancelledError): a rotation under way finishes, a running dump is stopped
   * and its partial file removed; nothing is left half-done.
   */
  async rotateThenBackUp(options: { signal?: AbortSignal; waitMs?: number; arrivedAt?: number } = {}): Promise<RotateThenBackUpResult> {
    // Coalescing: while another run holds the folder, wait for it; the first backup that starts after
    // this request arrived — this request's own, or one another waiting request started — answers it.
    // At most one dump runs and one more waits to start, whatever the number of callers.
    // The request's arrival: the folder's backup generation now (no clock involved), and the time its
    // gateway recorded, when that is plausible by this clock (at most 15 minutes ago, not in the future).
    const now = this.clock().getTime();
    const given = options.arrivedAt;
    const arrived: Arrival = {
      generation: await new BackupGeneration(this.creator.dir).current(),
      ...(given && given <= now && now - given <= ARRIVAL_PLAUSIBLE_MS ? { atMs: given } : {}),
    };
    const waitUntil = performance.now() + (options.waitMs ?? 0);
    let database: string | undefined;
    for (let waited = false; ; waited = true) {
      // A published backup is whole (renamed into place after its fsync): sharing one needs no lock.
      // Many waiters thus all see the follow-up backup at once, instead of taking the lock in turn.
      if (waited) database ??= await this.databaseName();
      const shared = database ? await backupStartedSince(this.creator.dir, database, arrived).catch(() => undefined) : undefined;
      if (shared) return { backup: shared, rotation: emptyPlan(this.clock(), this.rotator.policy), coalesced: true };
      try {
        return await this.rotateThenBackUpOnce(arrived, options.signal);
      } catch (error) {
        if (!(error instanceof BackupInProgressError) || options.signal?.aborted) throw error;
        const left = waitUntil - performance.now();
        if (left <= 0) {
          if (!options.waitMs) throw error;
          throw new BackupInProgressError(
            `waited ${Math.round(options.waitMs / 1000)} s for the running backup of this folder to end (the request's wait limit): no backup taken; try again`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, left)));
      }
    }
  }

  private async databaseName(): Promise<string> {
    return this.database ?? (await this.creator.databaseName().catch(() => 'unknown'));
  }

  private async rotateThenBackUpOnce(arrived: Arrival, signal?: AbortSignal): Promise<RotateThenBackUpResult> {
    const database = await this.databaseName();
    const status = new BackupStatus(this.creator.dir, database);
    try {
      throwIfCancelled(signal);
      const result = await this.locked(async (lockLost): Promise<RotateThenBackUpResult> => {
        // Looking for a backup to share never stops this run from making its own.
        const shared = await backupStartedSince(this.creator.dir, database, arrived).catch(() => undefined);
        if (shared) return { backup: shared, rotation: emptyPlan(this.clock(), this.rotator.policy), coalesced: true };
        // A backup that cannot start (database down, disk full) must not rotate either: it changes nothing.
        const checked = await this.creator.preflight();
        throwIfCancelled(signal, lockLost);
        const { rotation, rotationProblem, behindMs } = await this.rotateIfSafe(checked);
        throwIfCancelled(signal, lockLost);
        // A backup is named by the later of the two clocks: named by a clock running behind, it would
        // look old once the clock is right again, and the rules would archive or delete it at once.
        // This run's generation, counted before pg_dump starts: requests arriving from now on read it.
        const recorded = await new BackupManifest(this.creator.dir, this.rotator.archiveDir).maxGeneration();
        const generation = await new BackupGeneration(this.creator.dir).next(recorded);
        const backup = await this.creator
          .create(checked, { signal: signal ? AbortSignal.any([signal, lockLost]) : lockLost, nameOffsetMs: behindMs, generation })
          .catch((error: unknown) => {
            throw lockLost.aborted ? lockLost.reason : error;
          });
        await new DatabaseNames(this.creator.dir)
          .record(checked.database)
          .catch((error: unknown) => this.logger.warn('names.not_recorded', { error }));
        const verification = this.verifier
          ? await verifyNewBackup(backup, {
              verifier: this.verifier,
              archiveDir: this.rotator.archiveDir,
              clock: this.clock,
              logger: this.logger,
            })
          : undefined;
        return { backup, rotation, ...(rotationProblem ? { rotationProblem } : {}), ...(verification ? { verification } : {}) };
      });
      // A shared backup was recorded by the run that wrote it.
      if (result.coalesced) return result;
      await this.record(status, {
        at: result.backup.startedAt,
        ok: true,
        file: result.backup.file,
        bytes: result.backup.bytes,
        ...(result.rotationProblem ? { rotationProblem: result.rotationProblem } : {}),
        ...(result.verification
          ? {
              verification: {
                ok: result.verification.ok,
                problems: result.verification.problems,
                ...(result.verification.unverified ? { unverified: true } : {}),
              },
            }
          : {}),
      });
      return result;
    } catch (error) {
      // Another run holding the folder is no attempt; this API stopping (a deploy) is logged, but is no
      // failure of the backups that /health should report.
      if (!(error instanceof BackupInProgressError)) {
        const known = error instanceof AppError && error.expose;
        if (!(error instanceof BackupCancelledError)) {
          await this.record(status, {
            at: this.clock().toISOString(),
            ok: false,
            error: { code: known ? error.code : 'INTERNAL_ERROR', message: known ? error.message : 'unexpected error; see the log' },
          });
        }
        this.logger.error('backup.failed', { error, detail: error instanceof AppError ? error.detail : undefined });
      }
      throw error;
    }
  }

  /**
   * Rotates this database's backups unless that would be unsafe: when this API's clock and the
   * database server's disagree by more than the tolerance, neither can be trusted to date backups,
   * so nothing is archived or deleted. A rotation that fails is reported, not thrown.
   */
  private async rotateIfSafe(checked: {
    database: string;
    serverTime?: Date;
  }): Promise<{ rotation: RotationResult; rotationProblem?: Problem; behindMs: number }> {
    const now = this.clock();
    const tolerance = this.rotator.policy.clockToleranceMs;
    const skew = checked.serverTime ? checked.serverTime.getTime() - now.getTime() : 0;
    let rotationProblem: Problem | undefined;
    if (Math.abs(skew) > tolerance) {
      rotationProblem = {
        code: 'CLOCK_SKEW',
        message:
          `this API's clock (${now.toISOString()}) is ${formatDuration(Math.abs(skew))} ${skew > 0 ? 'behind' : 'ahead of'} the database server's ` +
          `(${checked.serverTime!.toISOString()}), more than BACKUP_CLOCK_TOLERANCE_MS (${formatDuration(tolerance)}) allows: nothing was archived or deleted`,
      };
    } else {
      try {
        // Each database manages its own backups: another database's in a shared folder are left to it.
        const rotation = await this.rotator.rotate(now, { database: checked.database });
        this.logger.info('rotation.done', {
          kept: rotation.kept.length,
          archived: rotation.archived.length,
          deleted: rotation.deletedFromMain.length + rotation.deletedFromArchive.length,
          skipped: rotation.skipped.length,
          futureDated: rotation.futureDated,
          stalePartials: rotation.stalePartials,
        });
        return { rotation, behindMs: 0 };
      } catch (error) {
        if (error instanceof RotationIncompleteError) {
          rotationProblem = { code: error.code, message: error.message };
          this.logger.warn('rotation.not_done', { ...rotationProblem });
          return { rotation: error.done, rotationProblem, behindMs: 0 };
        }
        rotationProblem =
          error instanceof AppError && error.expose
            ? { code: error.code, message: error.message }
            : { code: 'ROTATION_FAILED', message: `the rotation failed, the backup was still written: ${(error as Error).message}` };
      }
    }
    this.logger.warn('rotation.not_done', { ...rotationProblem });
    return { rotation: emptyPlan(now, this.rotator.policy), rotationProblem, behindMs: Math.max(0, skew) };
  }

  private async record(status: BackupStatus, attempt: Parameters<BackupStatus['write']>[0]): Promise<void> {
    const failure = await status.write(attempt);
    if (failure) this.logger.warn('status.not_recorded', { error: failure });
  }

  /** Writes a new backup without rotating. */
  async backUp(): Promise<Backup> {
    return this.locked(() => this.creator.create());
  }

  /**
   * Rotates without backing up. While another run (a backup, a rotation) holds the folder, waits for
   * it up to `waitMs` — a cron job's rotation should not fail because a backup was running — and
   * logs `rotation.waiting` once; then throws BackupInProgressError. `waitedMs`: how long it waited for
   * the lock, 0 when the folder was free.
   */
  async rotate(now?: Date, options: { waitMs?: number } = {}): Promise<{ rotation: RotationResult; waitedMs: number }> {
    const started = performance.now();
    const waitMs = options.waitMs ?? 0;
    let waitedMs = 0;
    for (let waited = false; ; waited = true) {
      try {
        const rotation = await this.locked(() => {
          if (waited) waitedMs = Math.max(1, Math.round(performance.now() - started));
          return this.rotator.rotate(now);
        });
        return { rotation, waitedMs };
      } catch (error) {
        if (!(error instanceof BackupInProgressError)) throw error;
        const left = started + waitMs - performance.now();
        if (left <= 0) {
          if (waitMs === 0) throw error;
          throw new BackupInProgressError(
            `waited ${formatDuration(waitMs)} for the backup or rotation holding ${this.creator.dir} to end (the wait limit): nothing was rotated; try again`,
            { cause: error },
          );
        }
        if (!waited) this.logger.warn('rotation.waiting', { dir: this.creator.dir, reason: error.message, waitMs });
        await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, left)));
      }
    }
  }

  /** Runs `work` under the folder's lock, once the folder is known to be usable (the lock lives in it). */
  private async locked<T>(work: (lockLost: AbortSignal) => Promise<T>): Promise<T> {
    await this.creator.checkFolder();
    return withFolderLock(this.creator.dir, work, {
      logger: this.logger,
      clock: this.clock,
      // The dead holder's dump: stopped if it still runs, its partial file removed at once.
      onStaleTakeover: async () => {
        const leftovers = await stopLeftoverDumps(this.creator.dir);
        if (leftovers.removed.length > 0) this.logger.warn('lock.leftover_dump_removed', leftovers);
      },
    });
  }
}

/** `3 h 12 min`, `45 s`. */
function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.round(hours / 24)} days`;
}

function throwIfCancelled(signal: AbortSignal | undefined, lockLost?: AbortSignal): void {
  if (lockLost?.aborted) throw lockLost.reason;
  if (signal?.aborted) throw new BackupCancelledError('cancelled before it started (the API is stopping)');
}

import { AppError } from '../../errors/AppError.js';
import type { RotationPlan } from '../retention/planRotation.js';
import type { OffsiteError } from './offsiteError.js';

/** A backup the rotation could not archive (it stays where it is), and why. */
export interface FailedArchive {
  file: string;
  reason: OffsiteError;
}

/**
 * A rotation of the bucket that did less than planned: some backups could not be archived (the others
 * were, and the purges done), or it stopped part-way (the server went away, the time ran out). `done`
 * is what it did, every step of which is whole (a backup is archived once its copy exists and the
 * original is gone). The next rotation plans again from the bucket's listing and finishes the rest.
 */
export class BucketRotationIncompleteError extends AppError {
  /** What stopped the rotation, else the first failed archive. */
  readonly reason: OffsiteError;

  constructor(
    readonly done: RotationPlan,
    plan: RotationPlan,
    problems: { stoppedBy?: OffsiteError; failedArchives: readonly FailedArchive[] },
  ) {
    const { stoppedBy, failedArchives } = problems;
    const deleted = done.deletedFromMain.length + done.deletedFromArchive.length;
    const counts =
      `archiving ${done.archived.length} of ${plan.archived.length} and deleting ` +
      `${deleted} of ${plan.deletedFromMain.length + plan.deletedFromArchive.length}`;
    const failed =
      failedArchives.length === 0
        ? ''
        : `${failedArchives.length} could not be archived and stay where they are (` +
          `${failedArchives.map(({ file, reason }) => `${file}: ${reason.message}`).join('; ')})`;
    super(
      'OFFSITE_ROTATION_INCOMPLETE',
      stoppedBy
        ? `the rotation of the bucket stopped after ${counts}: ${stoppedBy.message}${failed ? `; before that, ${failed}` : ''}`
        : `the rotation of the bucket finished ${counts}: ${failed}; the next rotation tries them again`,
      { expose: true, cause: stoppedBy ?? failedArchives[0]?.reason },
    );
    this.reason = (stoppedBy ?? failedArchives[0]?.reason) as OffsiteError;
  }
}

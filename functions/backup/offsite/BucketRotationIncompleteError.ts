import { AppError } from '../../errors/AppError.js';
import type { RotationPlan } from '../retention/planRotation.js';
import type { OffsiteError } from './offsiteError.js';

/**
 * A rotation of the bucket that stopped part-way (the server went away, a deletion was refused):
 * `done` is what it did, every step of which is whole (a backup is archived once its copy exists and
 * the original is gone). The next rotation plans again from the bucket's listing and finishes the rest.
 */
export class BucketRotationIncompleteError extends AppError {
  constructor(
    readonly done: RotationPlan,
    plan: RotationPlan,
    readonly reason: OffsiteError,
  ) {
    const deleted = done.deletedFromMain.length + done.deletedFromArchive.length;
    super(
      'OFFSITE_ROTATION_INCOMPLETE',
      `the rotation of the bucket stopped after archiving ${done.archived.length} of ${plan.archived.length} and deleting ` +
        `${deleted} of ${plan.deletedFromMain.length + plan.deletedFromArchive.length}: ${reason.message}`,
      { expose: true, cause: reason },
    );
  }
}

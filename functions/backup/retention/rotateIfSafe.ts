import { AppError } from '../../errors/AppError.js';
import type { Logger } from '../../log/Logger.js';
import type { Problem } from '../Problem.js';
import { type BackupRotator, RotationIncompleteError, type RotationResult } from './BackupRotator.js';
import { clockSkew } from './clockSkew.js';
import { emptyPlan } from './planRotation.js';

/**
 * Rotates `database`'s backups unless that would be unsafe (this process's clock and the database
 * server's disagree beyond the tolerance). A rotation that cannot be done or stops part-way is
 * reported in `problem`, never thrown: the backup that follows is still written. `nameOffsetMs`: how
 * far the next backup's name must move on so that it is named by the later of the two clocks.
 */
export async function rotateIfSafe(
  rotator: BackupRotator,
  checked: { database: string; serverTime?: Date },
  now: Date,
  logger: Logger,
): Promise<{ rotation: RotationResult; problem?: Problem; nameOffsetMs: number }> {
  const { skewMs, problem: skewed } = clockSkew(now, checked.serverTime, rotator.policy.clockToleranceMs);
  let problem = skewed;
  if (!problem) {
    try {
      // Each database manages its own backups: another database's in a shared folder are left to it.
      const rotation = await rotator.rotate(now, { database: checked.database });
      logger.info('rotation.done', {
        kept: rotation.kept.length,
        archived: rotation.archived.length,
        deleted: rotation.deletedFromMain.length + rotation.deletedFromArchive.length,
        skipped: rotation.skipped.length,
        futureDated: rotation.futureDated,
        stalePartials: rotation.stalePartials,
      });
      return { rotation, nameOffsetMs: 0 };
    } catch (error) {
      if (error instanceof RotationIncompleteError) {
        problem = { code: error.code, message: `${error.message}; the backup was still written` };
        logger.warn('rotation.not_done', { ...problem });
        return { rotation: error.done, problem, nameOffsetMs: 0 };
      }
      problem =
        error instanceof AppError && error.expose
          ? { code: error.code, message: error.message }
          : { code: 'ROTATION_FAILED', message: `the rotation failed, the backup was still written: ${(error as Error).message}` };
    }
  }
  logger.warn('rotation.not_done', { ...problem });
  return { rotation: emptyPlan(now, rotator.policy), problem, nameOffsetMs: Math.max(0, skewMs) };
}

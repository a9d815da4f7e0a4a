import { formatDuration } from '../../log/formatDuration.js';
import type { Problem } from '../Problem.js';

/**
 * How far the database server's clock is ahead of this process's (`skewMs`, negative when behind),
 * and, when that is more than `toleranceMs`, the CLOCK_SKEW problem: then neither clock can be trusted
 * to date backups, so a rotation must archive and delete nothing. Pure. No server clock, no skew.
 */
export function clockSkew(now: Date, serverTime: Date | undefined, toleranceMs: number): { skewMs: number; problem?: Problem } {
  const skewMs = serverTime ? serverTime.getTime() - now.getTime() : 0;
  if (Math.abs(skewMs) <= toleranceMs) return { skewMs };
  return {
    skewMs,
    problem: {
      code: 'CLOCK_SKEW',
      message:
        `this API's clock (${now.toISOString()}) is ${formatDuration(Math.abs(skewMs))} ${skewMs > 0 ? 'behind' : 'ahead of'} the database server's ` +
        `(${serverTime!.toISOString()}), more than BACKUP_CLOCK_TOLERANCE_MS (${formatDuration(toleranceMs)}) allows: nothing was archived or deleted`,
    },
  };
}

import { formatDuration } from '../../log/formatDuration.js';
import type { Problem } from '../Problem.js';

/** Whose clocks are compared, as the CLOCK_SKEW message names them. */
export interface ComparedClocks {
  ours: string;
  theirs: string;
  /** What the rotation did about it (by default `nothing was archived or deleted`). */
  consequence?: string;
}

const API_AND_DATABASE: ComparedClocks = { ours: "this API's clock", theirs: "the database server's" };

/**
 * How far the server's clock (the database server's, or the bucket's) is ahead of this process's
 * (`skewMs`, negative when behind), and, when that is more than `toleranceMs`, the CLOCK_SKEW problem:
 * then neither clock can be trusted to date backups, so a rotation must archive and delete nothing.
 * Pure. No server clock, no skew.
 */
export function clockSkew(
  now: Date,
  serverTime: Date | undefined,
  toleranceMs: number,
  clocks: ComparedClocks = API_AND_DATABASE,
): { skewMs: number; problem?: Problem } {
  const skewMs = serverTime ? serverTime.getTime() - now.getTime() : 0;
  if (Math.abs(skewMs) <= toleranceMs) return { skewMs };
  return {
    skewMs,
    problem: {
      code: 'CLOCK_SKEW',
      message:
        `${clocks.ours} (${now.toISOString()}) is ${formatDuration(Math.abs(skewMs))} ${skewMs > 0 ? 'behind' : 'ahead of'} ${clocks.theirs} ` +
        `(${serverTime!.toISOString()}), more than BACKUP_CLOCK_TOLERANCE_MS (${formatDuration(toleranceMs)}) allows: ${clocks.consequence ?? 'nothing was archived or deleted'}`,
    },
  };
}

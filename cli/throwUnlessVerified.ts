import type { VerifyResult } from '../functions/backup/verify/verifyBackup.js';
import { AppError } from '../functions/errors/AppError.js';
import { counted } from './counted.js';

/**
 * Throws VERIFY_FAILED (exit 1) unless every backup verified, counting the failed and the unverifiable.
 * An encrypted backup checked without an identity (`sealed`: its sha256 as recorded) passes: nothing is wrong with it.
 */
export function throwUnlessVerified(results: readonly VerifyResult[]): void {
  const unverified = results.filter((result) => result.unverified && !result.ok).length;
  const failed = results.filter((result) => !result.ok && !result.unverified).length;
  if (failed === 0 && unverified === 0) return;
  const parts = [
    ...(failed > 0 ? [`${failed} failed verification`] : []),
    ...(unverified > 0 ? [`${unverified} could not be verified`] : []),
  ];
  throw new AppError('VERIFY_FAILED', `of ${counted(results.length, 'backup')}, ${parts.join(' and ')}`, { expose: true });
}

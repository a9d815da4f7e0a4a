import { describe, expect, it } from '@jest/globals';
import type { VerifyResult } from '../functions/backup/verify/verifyBackup.js';
import { throwUnlessVerified } from './throwUnlessVerified.js';

const result = (more: Partial<VerifyResult>): VerifyResult => ({
  file: 'f.sql',
  path: '/b/f.sql',
  at: '2026-12-06T00:00:00.000Z',
  ok: true,
  problems: [],
  durationMs: 1,
  ...more,
});
const proven = result({});
const sealed = result({ file: 'f.sql.age', unverified: true, sealed: true });
const failed = result({ ok: false, problems: ['its sha256 is not the one recorded'] });
const noScratch = result({ ok: false, unverified: true, problems: ['it could not be verified: no scratch database'] });

describe('throwUnlessVerified: exit 1 unless every backup verified; an encrypted one checked without an identity passes', () => {
  it.each<[string, VerifyResult[], string | undefined]>([
    ['all proven', [proven, proven], undefined],
    ['encrypted, sha256 as recorded, no identity given (UNVERIFIED, nothing wrong)', [proven, sealed], undefined],
    ['only encrypted ones without an identity', [sealed, sealed], undefined],
    ['one failed beside an encrypted one', [sealed, failed], 'of 2 backups, 1 failed verification'],
    ['no scratch database beside an encrypted one', [sealed, noScratch], 'of 2 backups, 1 could not be verified'],
    ['both kinds of trouble', [failed, noScratch, sealed], 'of 3 backups, 1 failed verification and 1 could not be verified'],
  ])('%s', (_what, results, message) => {
    const thrown = (() => {
      try {
        throwUnlessVerified(results);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    })();

    expect(thrown).toBe(message);
  });
});

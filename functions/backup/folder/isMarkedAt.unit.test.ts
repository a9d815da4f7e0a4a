import { describe, expect, it } from '@jest/globals';
import { isMarkedAt } from './isMarkedAt.js';

const file = 'notes_2026-12-05T21-10-03.566Z.sql';
const here = { bucket: 'backups-b', prefix: 'notes/' };

describe('isMarkedAt: a backup is offsite only where BACKUP_S3_URL points now', () => {
  it.each([
    ['a copy in this bucket and prefix', `s3://backups-b/notes/${file}`, true],
    ["a copy the bucket's rotation archived", `s3://backups-b/notes/archive/${file}`, true],
    ['a copy in the bucket used before (BACKUP_S3_URL changed)', `s3://backups-a/notes/${file}`, false],
    ['a copy under another prefix of this bucket (the prefix corrected)', `s3://backups-b/notez/${file}`, false],
    ['a copy under a longer prefix', `s3://backups-b/notes/old/${file}`, false],
    ["another backup's copy", 's3://backups-b/notes/notes_2026-12-04T21-10-03.566Z.sql', false],
    ['a mark written before marks named their bucket (key only)', undefined, false],
  ])('%s', (_case, url, expected) => {
    // Prepare
    const mark = { key: `notes/${file}`, at: '2026-12-05T21:10:05.000Z', ...(url ? { url } : {}) };
    // Act, Assess
    expect(isMarkedAt(mark, here, file)).toBe(expected);
  });

  it('no mark is never offsite', () => {
    expect(isMarkedAt(undefined, here, file)).toBe(false);
  });

  it('the root of a bucket (no prefix)', () => {
    expect(isMarkedAt({ url: `s3://b-1/${file}`, key: file, at: '' }, { bucket: 'b-1', prefix: '' }, file)).toBe(true);
    expect(isMarkedAt({ url: `s3://b-1/x/${file}`, key: `x/${file}`, at: '' }, { bucket: 'b-1', prefix: '' }, file)).toBe(false);
  });
});

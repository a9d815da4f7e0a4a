import { describe, expect, it } from '@jest/globals';
import { interruptedMoves } from './interruptedMoves.js';

const FILE = 'notes_2026-06-01T00-00-00.000Z.sql';
const object = (bytes: number, etag: string) => ({ file: FILE, key: FILE, bytes, etag });

describe('interruptedMoves: an archived object that is the backup’s own copy', () => {
  it.each([
    ['the same size and ETag: a copy', object(10, 'abc'), object(10, 'abc'), [FILE]],
    ['a multipart original (ETag -N) and a copy of its size', object(10, 'abc-3'), object(10, 'def'), [FILE]],
    ['another size: another object', object(10, 'abc'), object(11, 'abc'), []],
    ['another ETag of a single-part original: another object', object(10, 'abc'), object(10, 'def'), []],
  ])('%s', (_case, original, copy, expected) => {
    const listing = { backups: [original], archived: [copy] };

    expect(interruptedMoves(listing, { skipped: [{ file: FILE, cause: 'archive-name-taken' }] })).toEqual(expected);
  });
});

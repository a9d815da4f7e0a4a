import { describe, expect, it } from '@jest/globals';
import { interruptedMoves } from './interruptedMoves.js';

const FILE = 'notes_2026-06-01T00-00-00.000Z.sql';

describe('interruptedMoves: an archived object that is the backup’s own copy', () => {
  it.each([
    ['its metadata names the backup’s ETag: this move’s copy', 'abc-3', 'abc-3', [FILE]],
    ['a single-part backup, named likewise', 'abc', 'abc', [FILE]],
    ['no metadata (another object, whatever its size and ETag)', 'abc-3', undefined, []],
    ['the metadata of a copy of another backup of that name', 'abc-3', 'def-2', []],
    ['a backup without an ETag: nothing can prove it', undefined, '', []],
  ])('%s', (_case, etag, copiedFrom, expected) => {
    const listing = { backups: [{ file: FILE, key: FILE, bytes: 10, ...(etag === undefined ? {} : { etag }) }] };

    const moves = interruptedMoves(listing, { skipped: [{ file: FILE, cause: 'archive-name-taken' }] }, new Map([[FILE, copiedFrom]]));

    expect(moves).toEqual(expected);
  });
});

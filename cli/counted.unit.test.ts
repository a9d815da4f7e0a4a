import { describe, expect, it } from '@jest/globals';
import { counted } from './counted.js';

describe('counted: a count with its noun, singular for exactly one', () => {
  it.each([
    [0, 'backup', undefined, '0 backups'],
    [1, 'backup', undefined, '1 backup'],
    [2, 'backup', undefined, '2 backups'],
    [1, 'large object', undefined, '1 large object'],
    [12_345, 'row', undefined, '12,345 rows'],
    [1, 'sub-folder', undefined, '1 sub-folder'],
    [3, 'child', 'children', '3 children'],
  ])('%d %s', (count, noun, plural, text) => {
    expect(counted(count, noun, plural)).toBe(text);
  });
});

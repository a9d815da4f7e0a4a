import { expect, it } from '@jest/globals';
import { MIN_PART_BYTES, partSizeFor } from './partSizeFor.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

it.each([
  ['no previous backup', undefined, 8 * MiB],
  ['a small database', 300 * MiB, 8 * MiB],
  ['3.5 GiB: still 8 MiB parts (900 parts of 8 MiB hold 7 GiB)', 3.5 * GiB, 8 * MiB],
  ['10 GiB: larger parts, whole MiB', 10 * GiB, 23 * MiB],
  ['100 GiB', 100 * GiB, 228 * MiB],
])('sizes the parts for %s', (_case, previous, expected) => {
  expect(partSizeFor(previous)).toBe(expected);
});

it.each([0, 1, 5 * MiB, 4 * GiB, 37 * GiB + 12_345, 500 * GiB])(
  'a file twice as large as %i bytes fits in 1,000 parts of at least 8 MiB, whole MiB',
  (previous) => {
    const part = partSizeFor(previous);
    expect(part).toBeGreaterThanOrEqual(MIN_PART_BYTES);
    expect(part % MiB).toBe(0);
    expect(Math.ceil((2 * previous) / part)).toBeLessThanOrEqual(1000);
  },
);

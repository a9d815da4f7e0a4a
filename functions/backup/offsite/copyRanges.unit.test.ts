import { describe, expect, it } from '@jest/globals';
import { copyRanges } from './copyRanges.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('copyRanges: the parts of a copy in parts', () => {
  it.each([
    ['13 MiB in 5 MiB parts: the last part the rest', 13 * MiB, 5 * MiB, 3, `bytes=${10 * MiB}-${13 * MiB - 1}`],
    ['exactly two parts', 10 * MiB, 5 * MiB, 2, `bytes=${5 * MiB}-${10 * MiB - 1}`],
    ['6 GiB in 512 MiB parts', 6 * GiB, 512 * MiB, 12, `bytes=${6 * GiB - 512 * MiB}-${6 * GiB - 1}`],
    ['4 TiB: parts grown to stay within 900 (each under AWS’s 5 GiB)', 4 * 1024 * GiB, 512 * MiB, 900, undefined],
  ])('%s', (_case, bytes, partBytes, parts, last) => {
    const ranges = copyRanges(bytes, partBytes);

    expect(ranges).toHaveLength(parts);
    if (last) expect(ranges.at(-1)).toBe(last);
    // Invariant: the ranges cover every byte once, in order.
    const bounds = ranges.map((range) => range.slice('bytes='.length).split('-').map(Number) as [number, number]);
    expect(bounds[0]?.[0]).toBe(0);
    expect(bounds.at(-1)?.[1]).toBe(bytes - 1);
    for (let index = 1; index < bounds.length; index++) expect(bounds[index]![0]).toBe(bounds[index - 1]![1] + 1);
  });
});

/** Swift completes at most 1,000 parts (AWS 10,000): a copy in parts keeps below it with room to spare. */
const MAX_PARTS = 900;

/**
 * The `bytes=<first>-<last>` ranges that copy an object of `bytes` in parts of `partBytes` (larger
 * parts when that would take over 900), the last part the rest. Pure. The servers refuse parts below
 * 5 MiB but the last; `partBytes` is taken as given (a test asks for less, to see a copy refused).
 * Parts stay under AWS's 5 GiB part limit for objects up to 4.4 TiB.
 */
export function copyRanges(bytes: number, partBytes: number): string[] {
  const size = Math.max(partBytes, Math.ceil(bytes / MAX_PARTS));
  const ranges: string[] = [];
  for (let first = 0; first < bytes; first += size) ranges.push(`bytes=${first}-${Math.min(first + size, bytes) - 1}`);
  return ranges;
}

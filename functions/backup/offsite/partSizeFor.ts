const MiB = 1024 * 1024;

/** The smallest part an offsite upload uses (S3 and Swift take 5 MiB and more; fewer, larger requests go faster). */
export const MIN_PART_BYTES = 8 * MiB;

/**
 * The part size of an upload expected to be about `expectedBytes` (for a new backup: the previous
 * backup's size, as the new one is not written yet): at least 8 MiB, and large enough that twice the
 * expected size fits in 900 parts, so that a database that doubled since still fits the 1,000 parts
 * S3-compatible servers such as Swift allow (AWS allows 10,000). Whole MiB.
 */
export function partSizeFor(expectedBytes = 0): number {
  return Math.max(MIN_PART_BYTES, Math.ceil((2 * Math.max(0, expectedBytes)) / 900 / MiB) * MiB);
}

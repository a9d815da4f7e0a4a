import type { DumpSection } from '../sql/DumpScanner.js';

/** Sections whose bytes come from the server, not from pg_dump's own wording: the same whatever pg_dump version wrote them. */
const isData = (section: DumpSection) => section.title.startsWith('TABLE DATA ') || section.title.startsWith('SEQUENCE SET ');

/**
 * The first place where two dumps' sections differ, in words, or undefined when they are the same:
 * the same sections in the same order with the same bytes. `dataOnly` compares table data and sequence
 * values alone (two pg_dump versions word the schema differently). `expected` is the backup as written
 * or recorded; `what` says what `actual` is ("the file now", "a dump of the restored database").
 */
export function compareSections(
  expected: readonly DumpSection[],
  actual: readonly DumpSection[],
  what: string,
  options: { dataOnly?: boolean } = {},
): string | undefined {
  const a = options.dataOnly ? expected.filter(isData) : expected;
  const b = options.dataOnly ? actual.filter(isData) : actual;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const want = a[i];
    const got = b[i];
    if (!want) return `${what} has ${got!.title} (line ${got!.line}), which the backup lacks`;
    if (!got) return `${want.title} (line ${want.line} of the backup) is missing from ${what}`;
    if (want.title !== got.title)
      return `${want.title} (line ${want.line} of the backup) is not where ${what} has it: found ${got.title} there`;
    if (want.digest !== got.digest) return `${want.title} (from line ${want.line} of the backup) differs in ${what}`;
  }
  return undefined;
}

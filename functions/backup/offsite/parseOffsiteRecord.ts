import type { DumpContents, DumpSection } from '../sql/DumpScanner.js';
import type { OffsiteRecord } from './BackupBucket.js';

/** A record read back from the bucket: what it says, or what is wrong with it (it is then no witness at all). */
export type ParsedRecord = { record: OffsiteRecord } | { damaged: string };

/** What a value is, as a record's problem names it: short, and never the whole of a large value. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A problem with one field, in the words of the damaged record's message; undefined when the field is right. */
type Check = (value: unknown, file: string) => string | undefined;

/** The fields of a record, each with its check: adding a field is adding a row. */
const FIELDS: readonly (readonly [keyof OffsiteRecord, Check])[] = [
  ['file', (value, file) => (value === file ? undefined : `its file is ${shown(value)}, not "${file}" (the record of another backup)`)],
  [
    'sha256',
    (value) => (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? undefined : `its sha256 is ${shown(value)}, not 64 hex digits`),
  ],
  ['bytes', (value) => (isCount(value) ? undefined : `its bytes is ${shown(value)}, not a size in bytes`)],
  [
    'startedAt',
    (value) =>
      typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : `its startedAt is ${shown(value)}, not an ISO 8601 instant`,
  ],
  ['contents', (value) => (value === undefined ? undefined : contentsProblem(value))],
];

/** What is wrong with a record's `contents` (rows per table, large objects, sections), if anything. */
function contentsProblem(contents: unknown): string | undefined {
  if (!isObject(contents)) return `its contents is ${shown(contents)}, not an object`;
  const { rows, largeObjects, sections } = contents;
  if (!isObject(rows)) return `its contents.rows is ${shown(rows)}, not rows per table`;
  const badRow = Object.entries(rows).find(([, count]) => !isCount(count));
  if (badRow) return `its contents.rows[${shown(badRow[0])}] is ${shown(badRow[1])}, not a number of rows`;
  if (!isCount(largeObjects)) return `its contents.largeObjects is ${shown(largeObjects)}, not a number of large objects`;
  if (sections === undefined) return undefined;
  if (!Array.isArray(sections)) return `its contents.sections is ${shown(sections)}, not a list of sections`;
  const index = sections.findIndex(
    (section: unknown) =>
      !isObject(section) ||
      typeof section.title !== 'string' ||
      !(isCount(section.line) && section.line > 0) ||
      typeof section.digest !== 'string' ||
      !/^[0-9a-f]{16}$/.test(section.digest),
  );
  return index === -1 ? undefined : `its contents.sections[${index}] is ${shown(sections[index])}, not a section (title, line, digest)`;
}

/**
 * Reads the text of `file`'s record as the bucket holds it (`records/<file>.json`) and checks its shape:
 * a JSON object whose file is `file`, sha256 64 hex digits, bytes a whole number, startedAt an ISO
 * instant, and contents, when present, rows per table, large objects and sections. Anything else is
 * damaged, with what is wrong (the first problem found). The record returned holds only these fields
 * (others, from a later version, are left out). Pure.
 */
export function parseOffsiteRecord(text: string, file: string): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { damaged: `it is not JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) return { damaged: `it is ${shown(value)}, not a JSON object` };
  for (const [field, check] of FIELDS) {
    const problem = check(value[field], file);
    if (problem) return { damaged: problem };
  }
  const { sha256, bytes, startedAt, contents } = value as unknown as OffsiteRecord;
  return { record: { file, sha256, bytes, startedAt, ...(contents ? { contents: contentsOf(contents) } : {}) } };
}

/** The checked contents, only their own fields. */
function contentsOf({ rows, largeObjects, sections }: DumpContents): DumpContents {
  return {
    rows: Object.fromEntries(Object.entries(rows)),
    largeObjects,
    ...(sections ? { sections: sections.map(({ title, line, digest }): DumpSection => ({ title, line, digest })) } : {}),
  };
}

import { describe, expect, it } from '@jest/globals';
import { parseOffsiteRecord } from './parseOffsiteRecord.js';

const FILE = 'notes_2026-12-05T21-10-03.566Z.sql';
const SHA256 = 'a'.repeat(64);
/** A record as BucketCopier writes it. */
const written = {
  file: FILE,
  sha256: SHA256,
  bytes: 1234,
  startedAt: '2026-12-05T21:10:03.566Z',
  contents: {
    rows: { 'public.notes': 1234, 'public.migrations': 3 },
    largeObjects: 1,
    sections: [{ title: 'preamble', line: 1, digest: '0123456789abcdef' }],
  },
};
const text = (value: unknown) => JSON.stringify(value);

describe('parseOffsiteRecord', () => {
  it.each([
    ['a record as it is written', text(written), written],
    [
      'one without contents (a copy made before contents were recorded)',
      text({ ...written, contents: undefined }),
      { ...written, contents: undefined },
    ],
    [
      'contents without sections (recorded before sections were)',
      text({ ...written, contents: { rows: {}, largeObjects: 0 } }),
      { ...written, contents: { rows: {}, largeObjects: 0 } },
    ],
    [
      'fields of a later version, left out',
      text({ ...written, writtenBy: 'notes 2.0', contents: { ...written.contents, more: 1 } }),
      written,
    ],
    [
      'an instant with an offset and no milliseconds',
      text({ ...written, startedAt: '2026-12-05T22:10:03+01:00' }),
      { ...written, startedAt: '2026-12-05T22:10:03+01:00' },
    ],
  ])('reads %s', (_case, record, expected) => {
    expect(parseOffsiteRecord(record, FILE)).toEqual({ record: JSON.parse(JSON.stringify(expected)) });
  });

  it.each([
    ['not JSON', '{{{', /^it is not JSON \(/],
    ['empty', '', /^it is not JSON \(/],
    ['null', 'null', 'it is null, not a JSON object'],
    ['a string', '"hello"', 'it is "hello", not a JSON object'],
    ['a list', text([written]), /^it is \[\{"file".*…, not a JSON object$/],
    [
      'the record of another backup',
      text({ ...written, file: 'notes_2026-12-04T21-10-03.566Z.sql' }),
      `its file is "notes_2026-12-04T21-10-03.566Z.sql", not "${FILE}" (the record of another backup)`,
    ],
    ['no file', text({ ...written, file: undefined }), `its file is missing, not "${FILE}" (the record of another backup)`],
    ['sha256 a number', text({ ...written, sha256: 12 }), 'its sha256 is 12, not 64 hex digits'],
    ['sha256 too short', text({ ...written, sha256: 'abc' }), 'its sha256 is "abc", not 64 hex digits'],
    ['sha256 in capitals', text({ ...written, sha256: 'A'.repeat(64) }), `its sha256 is "${'A'.repeat(64)}", not 64 hex digits`],
    ['no sha256', text({ ...written, sha256: undefined }), 'its sha256 is missing, not 64 hex digits'],
    ['bytes negative', text({ ...written, bytes: -1 }), 'its bytes is -1, not a size in bytes'],
    ['bytes a fraction', text({ ...written, bytes: 1.5 }), 'its bytes is 1.5, not a size in bytes'],
    ['bytes a string', text({ ...written, bytes: '1234' }), 'its bytes is "1234", not a size in bytes'],
    ['bytes beyond a safe integer', `{"file":"${FILE}","sha256":"${SHA256}","bytes":1e300}`, 'its bytes is 1e+300, not a size in bytes'],
    ['startedAt not an instant', text({ ...written, startedAt: 'yesterday' }), 'its startedAt is "yesterday", not an ISO 8601 instant'],
    [
      'startedAt a day that does not exist',
      text({ ...written, startedAt: '2026-13-45T00:00:00Z' }),
      'its startedAt is "2026-13-45T00:00:00Z", not an ISO 8601 instant',
    ],
    ['contents null', text({ ...written, contents: null }), 'its contents is null, not an object'],
    ['rows null', text({ ...written, contents: { ...written.contents, rows: null } }), 'its contents.rows is null, not rows per table'],
    ['rows a string', text({ ...written, contents: { ...written.contents, rows: 'x' } }), 'its contents.rows is "x", not rows per table'],
    [
      'a row count a string',
      text({ ...written, contents: { ...written.contents, rows: { 'public.t': '9' } } }),
      'its contents.rows["public.t"] is "9", not a number of rows',
    ],
    [
      'no large objects',
      text({ ...written, contents: { rows: {} } }),
      'its contents.largeObjects is missing, not a number of large objects',
    ],
    [
      'sections a number',
      text({ ...written, contents: { ...written.contents, sections: 7 } }),
      'its contents.sections is 7, not a list of sections',
    ],
    [
      'a section without digest',
      text({ ...written, contents: { ...written.contents, sections: [written.contents.sections[0], { title: 'end', line: 9 }] } }),
      'its contents.sections[1] is {"title":"end","line":9}, not a section (title, line, digest)',
    ],
    [
      'a section at line 0',
      text({ ...written, contents: { ...written.contents, sections: [{ title: 'x', line: 0, digest: '0123456789abcdef' }] } }),
      /^its contents\.sections\[0\] is .*, not a section/,
    ],
  ])('finds a record damaged when it is %s, saying what is wrong', (_case, record, problem) => {
    const parsed = parseOffsiteRecord(record, FILE);

    expect(parsed).toEqual({ damaged: expect.any(String) });
    expect((parsed as { damaged: string }).damaged).toMatch(problem);
  });

  it('keeps a table named __proto__ as a table', () => {
    const record = `{"file":"${FILE}","sha256":"${SHA256}","bytes":1,"startedAt":"2026-12-05T21:10:03.566Z","contents":{"rows":{"__proto__":5},"largeObjects":0}}`;

    const parsed = parseOffsiteRecord(record, FILE) as { record: { contents: { rows: Record<string, number> } } };

    expect(Object.entries(parsed.record.contents.rows)).toEqual([['__proto__', 5]]);
  });
});

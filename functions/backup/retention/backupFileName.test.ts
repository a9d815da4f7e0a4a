import { describe, expect, it } from '@jest/globals';
import { formatBackupFileName, parseBackupFileName } from './backupFileName.js';

describe('formatBackupFileName', () => {
  it.each([
    ['notes', '2026-11-26T19:27:52.123Z', 'notes_2026-11-26T19-27-52.123Z.sql'],
    ['my db.prod', '2026-01-02T03:04:05.006Z', 'my-db-prod_2026-01-02T03-04-05.006Z.sql'],
    ['données', '2026-01-02T03:04:05.006Z', 'donn-es_2026-01-02T03-04-05.006Z.sql'],
    ['a_b-c', '1999-12-31T23:59:59.999Z', 'a_b-c_1999-12-31T23-59-59.999Z.sql'],
  ])('names %s at %s as %s', (database, iso, expected) => {
    expect(formatBackupFileName(database, new Date(iso))).toBe(expected);
  });

  it('round-trips through the parser, including database names with underscores', () => {
    const takenAt = new Date('2026-11-26T19:27:52.123Z');
    const parsed = parseBackupFileName(formatBackupFileName('notes_prod', takenAt));
    expect(parsed).toEqual({ file: 'notes_prod_2026-11-26T19-27-52.123Z.sql', database: 'notes_prod', takenAt });
  });
});

describe('parseBackupFileName', () => {
  it.each([
    ['notes_2026-11-26T19-27-52.123Z.sql', 'notes', '2026-11-26T19:27:52.123Z'],
    ['notes_2026-11-26T19-27-52.123Z.sql.gz', 'notes', '2026-11-26T19:27:52.123Z'],
    ['my_db_2024-02-29T00-00-00.000Z.sql', 'my_db', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (file, database, iso) => {
    expect(parseBackupFileName(file)).toEqual({ file, database, takenAt: new Date(iso) });
  });

  it.each([
    ['a month 13', 'notes_2026-13-01T00-00-00.000Z.sql'],
    ['a 30th of February', 'notes_2026-02-30T00-00-00.000Z.sql'],
    ['a 29th of February in a common year', 'notes_2026-02-29T00-00-00.000Z.sql'],
    ['hour 24', 'notes_2026-11-26T24-00-00.000Z.sql'],
    ['a partial file', 'notes_2026-11-26T19-27-52.123Z.sql.partial'],
    ['an extra suffix', 'notes_2026-11-26T19-27-52.123Z.sql.bak'],
    ['a prefix before the name', 'old.notes_2026-11-26T19-27-52.123Z.sql'],
    ['colons instead of dashes', 'notes_2026-11-26T19:27:52.123Z.sql'],
    ['no milliseconds', 'notes_2026-11-26T19-27-52Z.sql'],
    ['no database', '_2026-11-26T19-27-52.123Z.sql'],
    ['another extension', 'notes_2026-11-26T19-27-52.123Z.dump'],
  ])('ignores %s', (_what, file) => {
    expect(parseBackupFileName(file)).toBeUndefined();
  });
});

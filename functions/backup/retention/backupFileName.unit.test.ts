import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { backupPrefix, formatBackupFileName, parseBackupFileName } from './backupFileName.js';

const hash10 = (name: string) => createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 10);

describe('formatBackupFileName', () => {
  it.each([
    ['notes', '2026-11-26T19:27:52.123Z', 'notes_2026-11-26T19-27-52.123Z.sql'],
    ['a_b-c', '1999-12-31T23:59:59.999Z', 'a_b-c_1999-12-31T23-59-59.999Z.sql'],
    ['my db.prod', '2026-01-02T03:04:05.006Z', `my-db-prod--${hash10('my db.prod')}_2026-01-02T03-04-05.006Z.sql`],
    ['données', '2026-01-02T03:04:05.006Z', `donnees--${hash10('données')}_2026-01-02T03-04-05.006Z.sql`],
  ])('names %s at %s as %s', (database, iso, expected) => {
    expect(formatBackupFileName(database, new Date(iso))).toBe(expected);
  });

  it('round-trips through the parser, including database names with underscores', () => {
    const takenAt = new Date('2026-11-26T19:27:52.123Z');
    const parsed = parseBackupFileName(formatBackupFileName('notes_prod', takenAt));
    expect(parsed).toEqual({ file: 'notes_prod_2026-11-26T19-27-52.123Z.sql', database: 'notes_prod', takenAt });
  });
});

describe('backupPrefix: distinct databases never share a prefix', () => {
  it.each([
    ['names differing only in punctuation', ['shop.eu', 'shop-eu', 'shop_eu', 'shop eu', 'shop--eu', 'shop-eu-']],
    ['names differing only in non-ASCII letters', ['café', 'cafe', 'cafë', 'CAFÉ', 'straße', 'strasse']],
    ['a plain name and the made prefix of another', ['shop.eu', `shop-eu--${hash10('shop.eu')}`]],
    ['names made of nothing safe', ['тест', 'δοκιμή', '😀', '...', '']],
  ])('%s', (_what, names) => {
    const prefixes = names.map(backupPrefix);

    expect(new Set(prefixes).size).toBe(names.length);
    expect(names.map((name) => parseBackupFileName(formatBackupFileName(name, new Date(0)))?.database)).toEqual(prefixes);
  });

  it('keeps plain names as they were, so existing backups keep their names', () => {
    expect(['notes', 'notes_prod', 'shop-eu', 'A1'].map(backupPrefix)).toEqual(['notes', 'notes_prod', 'shop-eu', 'A1']);
  });

  it('is the same every time (a pure function of the name)', () => {
    expect(backupPrefix('shop.eu')).toBe(backupPrefix('shop.eu'));
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

import { describe, expect, it } from '@jest/globals';
import { parseBackupUrl } from './parseBackupUrl.js';

const FILE = 'notes_2026-12-06T01-02-03.004Z.sql';

describe('parseBackupUrl', () => {
  it.each([
    [`s3://backups/${FILE}`, { bucket: 'backups', prefix: '' }, 'folder'],
    [`s3://backups/notes/${FILE}`, { bucket: 'backups', prefix: 'notes/' }, 'folder'],
    [`s3://backups/a/b/archive/${FILE}.gz`, { bucket: 'backups', prefix: 'a/b/' }, 'archive'],
    [`s3://backups/archive/${FILE}`, { bucket: 'backups', prefix: '' }, 'archive'],
    [`s3://backups/myarchive/${FILE}`, { bucket: 'backups', prefix: 'myarchive/' }, 'folder'],
  ])('reads %s: its prefix (where its record is) and place', (url, location, place) => {
    const object = parseBackupUrl(url);

    expect(object).toEqual({ location, file: url.slice(url.lastIndexOf('/') + 1), place });
  });

  it.each([
    ['not a backup name', 's3://backups/notes/readme.txt', /is not the URL of a backup/],
    ['no key', 's3://backups', /is not the URL of a backup/],
    ['another scheme', `https://backups/${FILE}`, /is not the URL of a backup/],
    ['a bad bucket name', `s3://b/${FILE}`, /"b" is not a bucket name/],
    ['a ".." in the prefix', `s3://backups/../${FILE}`, /has an empty, "\." or "\.\." segment/],
  ])('refuses %s, naming what is wrong', (_case, url, message) => {
    expect(() => parseBackupUrl(url)).toThrow(message);
  });
});

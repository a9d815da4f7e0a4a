import { expect, it } from '@jest/globals';
import type { BucketListing } from './BackupBucket.js';
import { remoteBackups } from './remoteBackups.js';
import { remoteBackupsNamedAfter } from './remoteBackupsNamedAfter.js';

const at = (day: number, database = 'notes') => `${database}_2026-12-0${day}T00-00-00.000Z.sql`;
const listing = (files: string[], records: string[]): BucketListing => ({
  backups: files.map((file) => ({ file, key: `p/${file}`, bytes: 1 })),
  archived: [],
  records: new Set(records),
  others: 0,
});
const UNTIL = Date.parse('2026-12-05T00:00:00Z');

it.each([
  ['none when every backup is named before now', listing([at(1), at(4)], [at(1), at(4)]), 'notes', []],
  ['those named after now, newest first', listing([at(1), at(6), at(8)], [at(1), at(6), at(8)]), 'notes', [at(8), at(6)]],
  ['not one named exactly now', listing([at(5)], [at(5)]), 'notes', []],
  ['only those with a record (the others cannot be taken anyway)', listing([at(6), at(7)], [at(6)]), 'notes', [at(6)]],
  ["only this database's", listing([at(6), at(7, 'shop')], [at(6), at(7, 'shop')]), 'notes', [at(6)]],
  ["every database's when none is named", listing([at(6), at(7, 'shop')], [at(6), at(7, 'shop')]), undefined, [at(7, 'shop'), at(6)]],
])('remoteBackupsNamedAfter: %s', (_case, bucket, database, expected) => {
  expect(remoteBackupsNamedAfter(remoteBackups(bucket), database, UNTIL).map((backup) => backup.file)).toEqual(expected);
});

import { describe, expect, it } from '@jest/globals';
import type { BucketListing } from './BackupBucket.js';
import { latestRemoteBackup } from './latestRemoteBackup.js';
import { remoteBackups } from './remoteBackups.js';

const backup = (file: string, place: 'folder' | 'archive' = 'folder') => ({
  file,
  key: `p/${place === 'archive' ? 'archive/' : ''}${file}`,
  bytes: 10,
});
const listing = (folder: string[], archived: string[], records: string[]): BucketListing => ({
  backups: folder.map((file) => backup(file)),
  archived: archived.map((file) => backup(file, 'archive')),
  records: new Set(records),
  others: 0,
});
const at = (day: number, database = 'notes') => `${database}_2026-12-0${day}T00-00-00.000Z.sql`;
const UNTIL = Date.parse('2026-12-08T00:00:00Z');

describe('remoteBackups and latestRemoteBackup (pure: from the bucket listing)', () => {
  it('lists folder and archive together, newest first, each with its place and whether it has a record', () => {
    const listed = remoteBackups(listing([at(3), at(1)], [at(2)], [at(1), at(2)]));

    expect(listed.map(({ file, place, recorded }) => [file, place, recorded])).toEqual([
      [at(3), 'folder', false],
      [at(2), 'archive', true],
      [at(1), 'folder', true],
    ]);
  });

  it.each([
    ['the newest with a record', listing([at(1), at(3)], [], [at(1), at(3)]), 'notes', at(3)],
    ['skipping a newer copy without a record (not offsite yet)', listing([at(1), at(3)], [], [at(1)]), 'notes', at(1)],
    ['from the archive when it is newest there', listing([at(1)], [at(4)], [at(1), at(4)]), 'notes', at(4)],
    ["of that database only, not another's newer one", listing([at(1), at(5, 'shop')], [], [at(1), at(5, 'shop')]), 'notes', at(1)],
    ['never a name after `until` (a clock ran ahead)', listing([at(1), at(9)], [], [at(1), at(9)]), 'notes', at(1)],
    ['none when no copy has a record', listing([at(1)], [], []), 'notes', undefined],
  ])('takes %s', (_case, bucket, database, expected) => {
    const latest = latestRemoteBackup(remoteBackups(bucket), database, UNTIL);

    expect(latest?.file).toBe(expected);
  });
});

import { expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BucketRotator } from '../../functions/backup/offsite/BucketRotator.js';
import { BackupFolder } from '../../functions/backup/folder/BackupFolder.js';
import { formatBackupFileName } from '../../functions/backup/retention/backupFileName.js';
import { BackupRotator } from '../../functions/backup/retention/BackupRotator.js';
import { DEFAULT_RETENTION_POLICY } from '../../functions/backup/retention/RetentionPolicy.js';
import { bucketContents, putObjects } from '../support/bucketObjects.js';
import { EXPECTED_KEPT, PRE_ARCHIVED, SERIES_NOW, sixteenMonthsOfBackups } from '../support/sixteenMonths.js';
import { describeWithSwift, swiftBucketForSuite } from '../support/swiftServer.js';
import { namesIn, removeFolder, tempFolder } from '../support/tempFolder.js';

const BUCKET = 'retention';
const HOUR = 3_600_000;
const b = (at: Date | string) => formatBackupFileName('notes', new Date(at));

/** Retention in the bucket at scale (a minute or more each: thousands of requests to a one-process Swift). */
describeWithSwift('BucketRotator on many objects (real OpenStack Swift with s3api)', () => {
  const suite = swiftBucketForSuite(BUCKET);
  const bucketAt = suite.bucketAt;

  it('rotates a prefix of 1,644 objects (120 backups, 700 archived, 819 records, 5 others; listed in pages of 1,000) by the rules, purging records with their backups and touching nothing else', async () => {
    // Every 12 hours for 60 days before SERIES_NOW; 700 archived, daily from 2024-12-01; a record for each but the newest.
    const backups = Array.from({ length: 120 }, (_, index) => b(new Date(Date.parse('2026-11-26T18:00:00Z') - index * 12 * HOUR)));
    const archived = Array.from({ length: 700 }, (_, day) => b(new Date(Date.parse('2024-12-01T12:00:00Z') + day * 24 * HOUR)));
    const recorded = [...backups.slice(1), ...archived];
    const others = [
      'notes.txt',
      `${backups[0]}.partial`,
      'archive/README',
      'records/notes.json',
      'elsewhere/notes_2020-01-01T00-00-00.000Z.sql',
    ];
    const bucket = bucketAt('many/');
    await putObjects(suite.client(), BUCKET, [
      ...backups.map((file) => bucket.keyOf(file)),
      ...archived.map((file) => bucket.keyOf(file, 'archive')),
      ...recorded.map((file) => bucket.recordKey(file)),
      ...others.map((name) => `many/${name}`),
    ]);
    expect(await bucketContents(bucket)).toEqual({
      backups: backups.sort(),
      archived: archived.sort(),
      records: recorded.sort(),
      others: 5,
    });

    const result = await new BucketRotator({ bucket, policy: DEFAULT_RETENTION_POLICY }).rotate(SERIES_NOW);

    const kept = [
      ...['2026-11-26T18:00:00Z', '2026-11-26T06:00:00Z', '2026-11-25T18:00:00Z', '2026-11-25T06:00:00Z', '2026-11-24T18:00:00Z'],
      ...['2026-11-21T18:00:00Z', '2026-11-14T18:00:00Z', '2026-11-07T18:00:00Z'],
      ...['2026-10-31T18:00:00Z', '2026-09-30T18:00:00Z'],
    ].map((iso) => b(iso));
    const cutoff = b('2025-11-26T20:00:00.000Z');
    const purged = archived.filter((file) => file < cutoff);
    expect(purged).toHaveLength(361);
    expect(result.kept.map(({ file }) => file)).toEqual(kept);
    expect(result.archived.sort()).toEqual(backups.filter((file) => !kept.includes(file)).sort());
    expect(result.deletedFromArchive.sort()).toEqual(purged);
    const after = await bucketContents(bucket);
    expect(after.backups).toEqual([...kept].sort());
    expect(after.archived).toEqual([...archived.filter((file) => file >= cutoff), ...result.archived].sort());
    expect(after.records).toEqual(recorded.filter((file) => !purged.includes(file)).sort());
    expect(after.others).toBe(5);
    // A second rotation by the same clock has nothing left to do.
    const second = await new BucketRotator({ bucket, policy: DEFAULT_RETENTION_POLICY }).rotate(SERIES_NOW);
    expect([second.archived, second.deletedFromMain, second.deletedFromArchive]).toEqual([[], [], []]);
  }, 240_000);

  it('keeps, archives and deletes exactly what the folder rotation does on the 16-month series', async () => {
    const all = sixteenMonthsOfBackups();
    const preArchived = [...PRE_ARCHIVED.expired, ...PRE_ARCHIVED.kept];
    const dir = await tempFolder('notes-parity-');
    try {
      await Promise.all(all.map((file) => writeFile(join(dir, file), `-- ${file}\n`)));
      await mkdir(join(dir, 'archive'));
      await Promise.all(preArchived.map((file) => writeFile(join(dir, 'archive', file), 'old\n')));
      const bucket = bucketAt('parity/');
      await putObjects(suite.client(), BUCKET, [
        ...all.map((file) => bucket.keyOf(file)),
        ...preArchived.map((file) => bucket.keyOf(file, 'archive')),
      ]);

      const local = await new BackupRotator({
        folder: new BackupFolder(dir),
        policy: DEFAULT_RETENTION_POLICY,
        clock: () => SERIES_NOW,
      }).rotate();
      const remote = await new BucketRotator({ bucket, policy: DEFAULT_RETENTION_POLICY }).rotate(SERIES_NOW);

      expect(remote.kept).toEqual(local.kept);
      expect(remote.kept.map(({ file }) => file)).toEqual(EXPECTED_KEPT);
      expect(remote.archived.sort()).toEqual(local.archived.sort());
      expect(remote.deletedFromMain).toEqual(local.deletedFromMain);
      expect(remote.deletedFromArchive).toEqual(local.deletedFromArchive);
      const after = await bucketContents(bucket);
      expect(after.backups).toEqual((await namesIn(dir)).filter((name) => name !== 'archive' && name !== 'SHA256SUMS'));
      expect(after.archived).toEqual((await namesIn(join(dir, 'archive'))).filter((name) => name !== 'SHA256SUMS'));
    } finally {
      await removeFolder(dir);
    }
  }, 240_000);
});

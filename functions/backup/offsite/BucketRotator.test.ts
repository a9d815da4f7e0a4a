import { expect, it } from '@jest/globals';
import { GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { bucketContents, putObjects } from '../../../test/support/bucketObjects.js';
import { SERIES_NOW } from '../../../test/support/sixteenMonths.js';
import { describeWithSwift, swiftBucketForSuite } from '../../../test/support/swiftServer.js';
import { waitUntil } from '../../../test/support/waitUntil.js';
import { formatBackupFileName } from '../retention/backupFileName.js';
import { DEFAULT_RETENTION_POLICY } from '../retention/RetentionPolicy.js';
import { BackupBucket } from './BackupBucket.js';
import { BucketRotationIncompleteError } from './BucketRotationIncompleteError.js';
import { BucketRotator } from './BucketRotator.js';

const BUCKET = 'rotations';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Rules that archive every backup but the newest, and keep archived ones for the default 12 months. */
const KEEP_NEWEST = { ...DEFAULT_RETENTION_POLICY, keepLast: 1, keepWeeks: 0, keepMonths: 0 };
const b = (at: Date | string, database = 'notes') => formatBackupFileName(database, new Date(at));

describeWithSwift('BucketRotator against a real S3-compatible server (OpenStack Swift with s3api)', () => {
  const suite = swiftBucketForSuite(BUCKET);
  const bucketAt = suite.bucketAt;

  it('never overwrites another object of the same name in archive/: the backup stays, reported as skipped', async () => {
    const bucket = bucketAt('clash/');
    const [older, newer] = [b('2026-06-01T00:00:00Z'), b('2026-11-20T00:00:00Z')];
    await putObjects(suite.client(), BUCKET, [bucket.keyOf(older), bucket.keyOf(newer)]);
    await suite.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: bucket.keyOf(older, 'archive'), Body: 'another object\n' }));
    const policy = { ...DEFAULT_RETENTION_POLICY, keepLast: 1, keepWeeks: 0, keepMonths: 0 };

    const result = await new BucketRotator({ bucket, policy }).rotate(SERIES_NOW);

    expect(result.skipped).toEqual([{ file: older, cause: 'archive-name-taken' }]);
    expect(result.archived).toEqual([]);
    expect(await bucketContents(bucket)).toEqual({ backups: [older, newer].sort(), archived: [older], records: [], others: 0 });
    const archivedBody = await suite.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: bucket.keyOf(older, 'archive') }));
    expect(await archivedBody.Body?.transformToString()).toBe('another object\n');
  });

  it('never takes another object of the same size in archive/ for its own copy: the multipart backup stays, nothing deleted', async () => {
    const bucket = bucketAt('impostor/');
    const [older, newer] = [b('2026-10-01T00:00:00Z'), b('2026-11-20T00:00:00Z')];
    const genuine = randomBytes(9 * MiB);
    await bucket.upload(older, genuine, { partSize: 5 * MiB });
    await bucket.putRecord({ file: older, sha256: sha256(genuine), bytes: genuine.length, startedAt: '2026-10-01T00:00:00.000Z' });
    await putObjects(suite.client(), BUCKET, [bucket.keyOf(newer)]);
    const impostor = Buffer.alloc(9 * MiB, 0x41);
    await suite.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: bucket.keyOf(older, 'archive'), Body: impostor }));

    const result = await new BucketRotator({ bucket, policy: KEEP_NEWEST }).rotate(SERIES_NOW);

    expect(result.skipped).toEqual([{ file: older, cause: 'archive-name-taken' }]);
    expect(result.archived).toEqual([]);
    const bodyOf = async (key: string) => Buffer.concat(await (await bucket.download(key)).body.toArray());
    expect(sha256(await bodyOf(bucket.keyOf(older)))).toBe(sha256(genuine));
    expect(sha256(await bodyOf(bucket.keyOf(older, 'archive')))).toBe(sha256(impostor));
  });

  it('finishes a move that stopped between its copy and its delete: the copy names the backup it came from', async () => {
    const bucket = bucketAt('half-moved/');
    const [older, newer] = [b('2026-10-01T00:00:00Z'), b('2026-11-20T00:00:00Z')];
    const bytes = randomBytes(9 * MiB);
    await bucket.upload(older, bytes, { partSize: 5 * MiB });
    await putObjects(suite.client(), BUCKET, [bucket.keyOf(newer)]);
    // The copy made, the original deleted; then the same upload again: the original back, as before the delete.
    const [original] = (await bucket.list()).backups.filter(({ file }) => file === older);
    await bucket.archive(original!);
    await bucket.upload(older, bytes, { partSize: 5 * MiB });
    expect((await bucketContents(bucket)).archived).toEqual([older]);

    const result = await new BucketRotator({ bucket, policy: KEEP_NEWEST }).rotate(SERIES_NOW);

    expect(result).toMatchObject({ archived: [older], skipped: [] });
    expect(await bucketContents(bucket)).toMatchObject({ backups: [newer], archived: [older] });
  });

  it.each([
    ['400 days ahead of', 400 * DAY, /^this machine's clock \(.+\) is 400 days ahead of the bucket's/],
    ['a day behind', -DAY, /^this machine's clock \(.+\) is 24 h 0 min behind the bucket's/],
  ])('on a machine whose clock is %s the bucket’s: archives and deletes nothing, says by how much', async (_case, offsetMs, message) => {
    const bucket = bucketAt(`clock${offsetMs}/`);
    const backups = Array.from({ length: 24 }, (_, day) => b(new Date(Date.now() - day * 31 * DAY)));
    await putObjects(suite.client(), BUCKET, [
      ...backups.map((file) => bucket.keyOf(file)),
      ...backups.map((file) => bucket.recordKey(file)),
    ]);
    const before = await bucketContents(bucket);
    const clock = () => new Date(Date.now() + offsetMs);
    const rotator = new BucketRotator({ bucket, policy: DEFAULT_RETENTION_POLICY, clock });

    const error = await rotator.rotate().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    const { plan, clockProblem } = await rotator.plan();

    expect(error).toMatchObject({ code: 'CLOCK_SKEW', message: expect.stringMatching(message) });
    expect((error as Error).message).toMatch(/more than BACKUP_CLOCK_TOLERANCE_MS \(5 min\) allows: nothing was archived or deleted$/);
    expect(await bucketContents(bucket)).toEqual(before);
    // The dry run still plans, and says why a rotation would not.
    expect(plan.kept.length).toBeGreaterThan(0);
    expect(clockProblem).toMatchObject({
      code: 'CLOCK_SKEW',
      message: expect.stringMatching(/a rotation would archive and delete nothing/),
    });
  });

  it('carries on after a backup it cannot archive: the others archived, the expired purged, every failure reported', async () => {
    // Copies above 6 MiB are made in parts of 1 MiB, below the server's 5 MiB minimum: it refuses them.
    const bucket = new BackupBucket(
      suite.client(),
      { bucket: BUCKET, prefix: 'refused/' },
      { singleCopyLimit: 6 * MiB, copyPartBytes: MiB },
    );
    const [big, small, newest] = [b('2026-11-02T00:00:00Z'), b('2026-11-03T00:00:00Z'), b('2026-11-20T00:00:00Z')];
    const [big2, expired] = [b('2026-11-01T00:00:00Z'), b('2025-01-01T00:00:00Z')];
    await bucket.upload(big, randomBytes(7 * MiB), { partSize: 8 * MiB });
    await bucket.upload(big2, randomBytes(7 * MiB), { partSize: 8 * MiB });
    await putObjects(suite.client(), BUCKET, [
      bucket.keyOf(small),
      bucket.keyOf(newest),
      bucket.keyOf(expired, 'archive'),
      bucket.recordKey(expired),
    ]);

    const error = await new BucketRotator({ bucket, policy: KEEP_NEWEST, concurrency: 1 }).rotate(SERIES_NOW).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(BucketRotationIncompleteError);
    const { done } = error as BucketRotationIncompleteError;
    expect(done).toMatchObject({ archived: [small], deletedFromArchive: [expired] });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^the rotation of the bucket finished archiving 1 of 3 and deleting 1 of 1: 2 could not be archived and stay where they are \\(` +
          `${big}: s3://${BUCKET}/refused/archive/${big}: EntityTooSmall.*; ${big2}: .*EntityTooSmall.*\\); the next rotation tries them again$`,
      ),
    );
    expect(await bucketContents(bucket)).toEqual({ backups: [big2, big, newest].sort(), archived: [small], records: [], others: 0 });
    const open = await suite.client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'refused/' }));
    expect(open.Uploads ?? []).toEqual([]);
  });

  it('stopped part-way (the server gone) says how far it got, loses nothing, and the next rotation finishes', async () => {
    const backups = Array.from({ length: 60 }, (_, day) => b(new Date(Date.parse('2026-10-01T12:00:00Z') + day * 12 * HOUR)));
    const bucket = bucketAt('interrupted/');
    await putObjects(
      suite.client(),
      BUCKET,
      backups.map((file) => bucket.keyOf(file)),
    );
    const policy = { ...DEFAULT_RETENTION_POLICY, keepLast: 1, keepWeeks: 0, keepMonths: 0 };
    const watcher = bucketAt('interrupted/');

    const rotation = new BucketRotator({ bucket, policy, concurrency: 1 }).rotate(SERIES_NOW);
    await waitUntil(async () => (await watcher.list()).archived.length >= 3, 'three backups archived', { timeoutMs: 60_000 });
    await suite.swift().stopProxy();
    const error = await rotation.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await suite.swift().startProxy();

    expect(error).toBeInstanceOf(BucketRotationIncompleteError);
    const { done } = error as BucketRotationIncompleteError;
    // The watcher may have seen a copy whose original was not deleted yet: that move is not done.
    expect(done.archived.length).toBeGreaterThanOrEqual(2);
    expect(done.archived.length).toBeLessThan(59);
    expect((error as Error).message).toMatch(
      /^the rotation of the bucket stopped after archiving \d+ of 59 and deleting 0 of 0: cannot reach/,
    );
    const between = await bucketContents(bucket);
    // Every backup is still somewhere: each archived one in archive/ and gone from the folder.
    expect(new Set([...between.backups, ...between.archived])).toEqual(new Set(backups));
    for (const file of done.archived) expect(between.backups).not.toContain(file);

    const rest = await new BucketRotator({ bucket, policy }).rotate(SERIES_NOW);

    const after = await bucketContents(bucket);
    expect(after.backups).toEqual([backups[59]]);
    expect(after.archived).toEqual(backups.slice(0, 59).sort());
    // A move stopped between its copy and its delete is finished, not skipped.
    expect(rest.skipped).toEqual([]);
    // Each move is counted once at most. The one under way when the server stopped may have been
    // carried out with its answer lost: then neither run counts it (the first heard no answer, the second
    // found it archived already), though it is archived (above). One at most: the rotation ran one move at a time.
    const counted = [...done.archived, ...rest.archived];
    expect(new Set(counted).size).toBe(counted.length);
    expect(backups.slice(0, 59).filter((file) => !counted.includes(file)).length).toBeLessThanOrEqual(1);
  }, 240_000);
});

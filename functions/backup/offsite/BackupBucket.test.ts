import { afterAll, beforeAll, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CreateBucketCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../../test/support/swiftServer.js';
import { BackupBucket } from './BackupBucket.js';
import { createS3Client } from './createS3Client.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const MiB = 1024 * 1024;

/** `size` bytes of every value 0x00–0xFF, the same for the same seed (a counter-mode SHA-256 stream). */
function generatedBytes(size: number, seed: number): Buffer {
  const blocks: Buffer[] = [];
  for (let index = 0; index * 32 < size; index++) blocks.push(createHash('sha256').update(`${seed}:${index}`).digest());
  return Buffer.concat(blocks).subarray(0, size);
}

describeWithSwift('BackupBucket against a real S3-compatible server (OpenStack Swift with s3api)', () => {
  let swift: SwiftServer;
  let client: S3Client;
  beforeAll(async () => {
    swift = await startSwiftServer();
    client = createS3Client(swift.env);
    await client.send(new CreateBucketCommand({ Bucket: 'backups' }));
  }, 90_000);
  afterAll(async () => {
    client?.destroy();
    await swift?.stop();
  });

  it.each([
    ['one PUT, smaller than a part', 1_000],
    ['a multipart upload of 5 MiB parts, streamed', 12 * MiB + 17],
  ])('uploads %s: the object equals the bytes (sha256), listed as a backup', async (_case, size) => {
    const bucket = new BackupBucket(client, { bucket: 'backups', prefix: `up-${size}/` });
    const bytes = randomBytes(size);
    const file = 'notes_2026-12-06T01-02-03.004Z.sql';

    const { key } = await bucket.upload(file, Readable.from([bytes.subarray(0, 3 * MiB), bytes.subarray(3 * MiB)]), { partSize: 5 * MiB });

    expect(key).toBe(`up-${size}/${file}`);
    const { body } = await bucket.download(key);
    expect(sha256(Buffer.concat(await body.toArray()))).toBe(sha256(bytes));
    const listing = await bucket.list();
    expect(listing.backups).toEqual([expect.objectContaining({ file, key, bytes: size })]);
  });

  it('gives back any bytes byte for byte, whatever their size around part boundaries and however the stream cuts them (property)', async () => {
    const bucket = new BackupBucket(client, { bucket: 'backups', prefix: 'property/' });
    const sizes = fc.oneof(
      fc.integer({ min: 1, max: 70_000 }),
      fc.integer({ min: 5 * MiB - 40, max: 5 * MiB + 40 }),
      fc.integer({ min: 10 * MiB - 40, max: 10 * MiB + 40 }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        sizes,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        fc.integer(),
        async (size, cuts, seed) => {
          const bytes = generatedBytes(size, seed);
          const points = [...new Set(cuts.map((cut) => Math.floor(cut * size)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((start, index) => bytes.subarray(start, [...points, size][index]));
          const file = `notes_2026-12-06T01-02-03.${String(run++ % 1000).padStart(3, '0')}Z.sql`;

          const { key } = await bucket.upload(file, Readable.from(chunks), { partSize: 5 * MiB });

          const { body, bytes: length } = await bucket.download(key);
          expect(length).toBe(size);
          expect(sha256(Buffer.concat(await body.toArray()))).toBe(sha256(bytes));
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);

  it('keeps a record beside each backup, archives a backup with a server-side copy and deletes', async () => {
    const bucket = new BackupBucket(client, { bucket: 'backups', prefix: 'a/b/' });
    const file = 'notes_2026-12-06T01-02-03.004Z.sql.gz';
    await bucket.upload(file, Buffer.from('dump'), { partSize: 5 * MiB });
    await bucket.putRecord({ file, sha256: sha256(Buffer.from('dump')), bytes: 4, startedAt: '2026-12-06T01:02:03.004Z' });
    const [backup] = (await bucket.list()).backups;

    await bucket.archive(backup!);

    expect(await bucket.readRecord(file)).toEqual(expect.objectContaining({ file, bytes: 4 }));
    expect(await bucket.readRecord('notes_2020-01-01T00-00-00.000Z.sql')).toBeUndefined();
    let listing = await bucket.list();
    expect(listing.backups).toEqual([]);
    expect(listing.archived.map((backup) => backup.key)).toEqual([`a/b/archive/${file}`]);
    expect([...listing.records]).toEqual([file]);
    // The copy says which backup it was copied from.
    expect(await bucket.copiedFrom(bucket.keyOf(file, 'archive'))).toBe(backup!.etag);
    expect(await bucket.copiedFrom(bucket.keyOf(file))).toBeUndefined();

    await bucket.deleteKeys([bucket.keyOf(file, 'archive'), bucket.recordKey(file)]);
    listing = await bucket.list();
    expect(listing.archived).toEqual([]);
    expect(listing.records.size).toBe(0);
  });

  it.each([
    ['one PUT', 13 * MiB + 5, 16 * MiB],
    ['a multipart upload of 8 MiB parts', 13 * MiB + 5, 8 * MiB],
  ])(
    'archives a backup above the single-copy limit (%s) with a copy in parts: the same bytes, its source named, no upload left open',
    async (_case, size, partSize) => {
      // The limit and the parts made small (AWS: 5 GiB and 512 MiB) so that a 13 MiB backup is copied in 3 parts.
      const prefix = `big-${partSize}/`;
      const bucket = new BackupBucket(client, { bucket: 'backups', prefix }, { singleCopyLimit: 6 * MiB, copyPartBytes: 5 * MiB });
      const file = 'notes_2026-12-06T01-02-03.004Z.sql';
      const bytes = generatedBytes(size, partSize);
      await bucket.upload(file, bytes, { partSize });
      const [backup] = (await bucket.list()).backups;

      await bucket.archive(backup!);

      const listing = await bucket.list();
      expect(listing.backups).toEqual([]);
      // A copy in 3 parts has the ETag of a 3-part upload (a copy in one request would have the source's).
      expect(listing.archived).toEqual([expect.objectContaining({ file, bytes: size, etag: expect.stringMatching(/-3$/) })]);
      const { body } = await bucket.download(bucket.keyOf(file, 'archive'));
      expect(sha256(Buffer.concat(await body.toArray()))).toBe(sha256(bytes));
      expect(await bucket.copiedFrom(bucket.keyOf(file, 'archive'))).toBe(backup!.etag);
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: 'backups', Prefix: prefix }));
      expect(uploads.Uploads ?? []).toEqual([]);
    },
  );

  it('lists with the bucket’s clock (its server’s Date), to the second', async () => {
    const bucket = new BackupBucket(client, { bucket: 'backups', prefix: 'clock/' });
    const before = Date.now();

    const { serverTime } = await bucket.list();

    // The same machine's clock: within the second the Date header rounds down to.
    expect(serverTime).toBeInstanceOf(Date);
    expect(serverTime!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(serverTime!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('aborts a multipart upload whose body fails: no object and no parts left in the bucket', async () => {
    const bucket = new BackupBucket(client, { bucket: 'backups', prefix: 'failing/' });
    async function* failing() {
      yield randomBytes(6 * MiB);
      throw new Error('the disk went away');
    }

    await expect(bucket.upload('notes_2026-12-06T01-02-03.004Z.sql', Readable.from(failing()), { partSize: 5 * MiB })).rejects.toThrow(
      /the disk went away/,
    );

    expect((await bucket.list()).backups).toEqual([]);
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: 'backups', Prefix: 'failing/' }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it('gives up on a hung server (the kernel accepts the connection, the server never answers): a timeout, not a hang', async () => {
    const bucket = new BackupBucket(createS3Client(swift.env, { idleTimeoutMs: 1_000, maxAttempts: 2 }), {
      bucket: 'backups',
      prefix: 'hung/',
    });
    swift.freeze();
    try {
      await expect(bucket.list()).rejects.toMatchObject({
        code: 'OFFSITE_UNREACHABLE',
        message: expect.stringMatching(
          /stopped answering \(a request timed out\) after 2 attempts: tried http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL_S3\)$/,
        ),
      });
    } finally {
      swift.thaw();
    }
  });

  it.each([
    [
      'a missing bucket',
      () => new BackupBucket(client, { bucket: 'no-such-bucket', prefix: '' }),
      'OFFSITE_BUCKET_MISSING',
      /does not exist/,
    ],
    [
      'a wrong secret (403)',
      () => new BackupBucket(createS3Client({ ...swift.env, AWS_SECRET_ACCESS_KEY: 'wrong' }), { bucket: 'backups', prefix: '' }),
      'OFFSITE_ACCESS_DENIED',
      /refused these credentials .*SignatureDoesNotMatch/,
    ],
  ])('says clearly what is wrong with %s', async (_case, bucketFor, code, message) => {
    const bucket = bucketFor();
    await expect(bucket.check()).rejects.toMatchObject({ code });
    await expect(bucket.list()).rejects.toThrow(message);
  });
});

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../../test/support/swiftServer.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { BackupBucket } from './BackupBucket.js';
import { createS3Client } from './createS3Client.js';
import { downloadBackup } from './downloadBackup.js';

const MiB = 1024 * 1024;
const FILE = 'notes_2026-12-06T01-02-03.004Z.sql';

describeWithSwift('downloadBackup from a real S3-compatible server (OpenStack Swift with s3api)', () => {
  let swift: SwiftServer;
  let client: S3Client;
  let bucket: BackupBucket;
  let tempRoot: string;
  const bytes = randomBytes(7 * MiB + 3);
  beforeAll(async () => {
    swift = await startSwiftServer();
    client = createS3Client(swift.env);
    await client.send(new CreateBucketCommand({ Bucket: 'backups' }));
    bucket = new BackupBucket(client, { bucket: 'backups', prefix: 'd/' });
    await bucket.upload(FILE, bytes, { partSize: 5 * MiB });
    tempRoot = await tempFolder();
  }, 90_000);
  afterAll(async () => {
    client?.destroy();
    await swift?.stop();
    await removeFolder(tempRoot);
  });

  it('streams the object into a private temporary file under its own name, hashed on the way; remove() leaves nothing', async () => {
    const copy = await downloadBackup(bucket, bucket.keyOf(FILE), FILE, { tempRoot });

    expect(copy.path.endsWith(`/${FILE}`)).toBe(true);
    expect(copy).toMatchObject({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect((await readFile(copy.path)).equals(bytes)).toBe(true);
    expect((await stat(copy.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(copy.path))).mode & 0o777).toBe(0o700);
    await copy.remove();
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it.each([
    [
      'a temporary folder without room: refused before writing, saying where and how much',
      { freeSpace: async () => 2 * MiB },
      /is 7\.0 MiB and \/.*notes-test-\w+ \(the temporary folder\) has 2\.0 MiB free: it needs the whole backup plus 8 MiB; set TMPDIR/,
    ],
    [
      'a missing object',
      { key: 'd/notes_2020-01-01T00-00-00.000Z.sql' },
      /s3:\/\/backups\/d\/notes_2020-01-01T00-00-00\.000Z\.sql does not exist/,
    ],
    ['a transfer stopped (Ctrl-C)', { abort: true }, /the transfer to s3:\/\/backups\/d\/.* was stopped/],
  ])('leaves nothing behind with %s', async (_case, setup, message) => {
    const stop = new AbortController();
    const options = {
      tempRoot,
      signal: stop.signal,
      ...('freeSpace' in setup ? { freeSpace: setup.freeSpace } : {}),
      ...('abort' in setup ? { onProgress: (written: number) => written > MiB && stop.abort() } : {}),
    };

    await expect(downloadBackup(bucket, 'key' in setup ? setup.key : bucket.keyOf(FILE), FILE, options)).rejects.toThrow(message);

    expect(await readdir(tempRoot)).toEqual([]);
  });
});

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../../../test/support/swiftServer.js';
import { createS3Client } from './createS3Client.js';

const BUCKET = 'payloads';

/** A client whose requests are seen as signed, and whose body's first byte is flipped then when `tamper` says so. */
function watchedClient(swift: SwiftServer, tamper: boolean) {
  const client = createS3Client(swift.env, { maxAttempts: 1 });
  const sent: Record<string, string>[] = [];
  // The deserialize step comes after signing: it sees the request as it is sent.
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body?: unknown };
      sent.push({ ...request.headers });
      if (tamper && request.body instanceof Uint8Array) {
        const changed = Buffer.from(request.body);
        changed[0] = changed[0]! ^ 0xff;
        request.body = changed;
      }
      return next(args);
    },
    { step: 'deserialize', name: 'watch' },
  );
  return { client, sent };
}

describeWithSwift('createS3Client against a real S3-compatible server (OpenStack Swift with s3api)', () => {
  let swift: SwiftServer;
  let admin: S3Client;
  let uploadId: string;
  beforeAll(async () => {
    swift = await startSwiftServer();
    admin = createS3Client(swift.env);
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    uploadId = (await admin.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'parts.sql' }))).UploadId!;
  }, 90_000);
  afterAll(async () => {
    await admin?.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'parts.sql', UploadId: uploadId })).catch(() => undefined);
    admin?.destroy();
    await swift?.stop();
  });

  const bytes = randomBytes(6 * 1024 * 1024);
  const requests = {
    'a small object (PutObject)': (key: string) => new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes.subarray(0, 1000) }),
    'a part of a multipart upload (UploadPart)': () =>
      new UploadPartCommand({ Bucket: BUCKET, Key: 'parts.sql', UploadId: uploadId, PartNumber: 1, Body: bytes }),
  };

  it.each(Object.entries(requests))(
    '%s is signed UNSIGNED-PAYLOAD on the loopback, with its Content-MD5: accepted as sent',
    async (name, command) => {
      const { client, sent } = watchedClient(swift, false);
      const key = `intact-${name.length}.sql`;

      await client.send(command(key) as PutObjectCommand);

      expect(sent).toEqual([expect.objectContaining({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-md5': expect.any(String) })]);
      if (name.includes('PutObject')) {
        const stored = await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(bytes.subarray(0, 1000));
      }
      client.destroy();
    },
  );

  it.each(Object.entries(requests))(
    '%s changed in transit after signing is refused by the server (BadDigest): the unsigned body is still checked',
    async (name, command) => {
      const { client, sent } = watchedClient(swift, true);
      const key = `tampered-${name.length}.sql`;

      const sending = client.send(command(key) as PutObjectCommand);

      await expect(sending).rejects.toMatchObject({ name: 'BadDigest' });
      expect(sent).toEqual([expect.objectContaining({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })]);
      if (name.includes('PutObject'))
        await expect(admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NoSuchKey' });
      client.destroy();
    },
  );
});

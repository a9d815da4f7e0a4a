import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BackupBucket } from '../../functions/backup/offsite/BackupBucket.js';

/** Puts small objects under `keys` in `bucket`, eight requests at a time (each body names its key). */
export async function putObjects(client: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `-- ${key}\n` }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Everything under a BackupBucket's prefix by place, from its paged listing: backup names in the folder and in archive/, records, how many other keys. */
export async function bucketContents(bucket: BackupBucket) {
  const listing = await bucket.list();
  return {
    backups: listing.backups.map(({ file }) => file).sort(),
    archived: listing.archived.map(({ file }) => file).sort(),
    records: [...listing.records].sort(),
    others: listing.others,
  };
}

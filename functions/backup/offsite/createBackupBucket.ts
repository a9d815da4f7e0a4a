import { BackupBucket } from './BackupBucket.js';
import { createS3Client } from './createS3Client.js';
import type { S3Location } from './S3Location.js';

/** The offsite copies at `location`, reached with the AWS SDK's variables of `env` (and its own chain for the rest). */
export function createBackupBucket(location: S3Location, env: NodeJS.ProcessEnv = process.env): BackupBucket {
  return new BackupBucket(createS3Client(env), location);
}

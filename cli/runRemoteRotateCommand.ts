import { rotationAnswer } from '../functions/backup/BackupAnswer.js';
import type { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { BucketRotator } from '../functions/backup/offsite/BucketRotator.js';
import type { RetentionPolicy } from '../functions/backup/retention/RetentionPolicy.js';
import { ConfigError } from '../functions/config/ConfigError.js';
import type { CommandIo } from './runDbBackupCommand.js';
import { formatRotation, summarizeRotation } from './formatRotation.js';

/**
 * `rotate --remote [--dry-run]`: rotates the bucket of BACKUP_S3_URL by its own listing and the same
 * rules as the folder (`--dry-run` lists and changes nothing), and prints it like `rotate`. Needs no
 * backup folder and no database. A missing bucket, refused credentials or an unreachable server
 * fail with the OffsiteError's message; a rotation that stopped part-way says how far it got. When
 * this machine's clock and the bucket's disagree, it fails (CLOCK_SKEW) having changed nothing, and
 * a dry run still plans but says so.
 */
export async function runRemoteRotateCommand(
  options: { now?: Date; dryRun: boolean; json: boolean },
  policy: RetentionPolicy,
  bucket: BackupBucket | undefined,
  io: CommandIo,
): Promise<void> {
  if (!bucket) {
    throw new ConfigError(
      "--remote needs BACKUP_S3_URL=s3://<bucket>/<prefix> (and the bucket's AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or a role)",
    );
  }
  const rotator = new BucketRotator({ bucket, policy, ...(io.logger ? { logger: io.logger } : {}) });
  const where = bucket.url(bucket.location.prefix);
  const { plan: rotation, clockProblem } = options.dryRun ? await rotator.plan(options.now) : { plan: await rotator.rotate(options.now) };
  const heading = options.dryRun
    ? `dry run of ${where}, nothing changed: ${summarizeRotation(rotation)}`
    : `rotated ${where}: ${summarizeRotation(rotation)}`;
  io.print(
    options.json
      ? JSON.stringify({ bucket: where, ...rotationAnswer(rotation, clockProblem) }, null, 2)
      : [heading, clockProblem && `warning: ${clockProblem.message}`, formatRotation(rotation)].filter(Boolean).join('\n'),
  );
}

import { formatKeepReason } from '../functions/backup/BackupAnswer.js';
import type { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { BUCKET_CLOCKS, WOULD_NOT_ROTATE } from '../functions/backup/offsite/BucketRotator.js';
import { remoteBackups } from '../functions/backup/offsite/remoteBackups.js';
import { clockSkew } from '../functions/backup/retention/clockSkew.js';
import { BUCKET_LIMITS_MS, withDeadline } from '../functions/backup/offsite/withDeadline.js';
import type { RetentionPolicy } from '../functions/backup/retention/RetentionPolicy.js';
import { planRotation, type RotationPlan } from '../functions/backup/retention/planRotation.js';
import { counted } from './counted.js';
import { summarizeRotation } from './formatRotation.js';
import { formatDuration } from '../functions/log/formatDuration.js';
import { formatBytes } from './notes/format.js';

/**
 * `db-backup list --remote`: every backup and archived backup under the bucket's prefix (all pages),
 * newest first, with its size, whether its record exists (a copy without one is not offsite yet) and
 * what the retention rules would do to it, planned from the bucket's own listing as `list` plans the
 * folder's, at `now` (by default the bucket's server's clock: a machine whose clock is behind would
 * call the newest backups future-dated); a warning when this machine's clock and the bucket's disagree
 * (a rotation would then do nothing). Reads only.
 */
export async function listRemote(
  bucket: BackupBucket,
  policy: RetentionPolicy,
  now: Date | undefined,
  show: (value: unknown, text: string) => void,
  limitMs: number = BUCKET_LIMITS_MS.listing,
  /** This machine's clock, compared with the bucket's (`now` may be another instant, `--now`). */
  clock: () => Date = () => new Date(),
): Promise<void> {
  const listing = await withDeadline(limitMs, bucket.url(bucket.location.prefix), (signal) => bucket.list(signal));
  const clocks = { ...BUCKET_CLOCKS, consequence: WOULD_NOT_ROTATE };
  const { problem: clockProblem } = clockSkew(clock(), listing.serverTime, policy.clockToleranceMs, clocks);
  const backups = remoteBackups(listing);
  const offset = bucket.clockOffsetMs();
  const at = now ?? new Date(Date.now() + offset);
  const plan = planRotation({ backups: listing.backups.map((b) => b.file), archived: listing.archived.map((b) => b.file) }, at, policy);
  const rules = rulesOf(plan);
  const rows = backups.map((backup) => ({
    url: bucket.url(backup.key),
    file: backup.file,
    place: backup.place,
    bytes: backup.bytes,
    recorded: backup.recorded,
    rules: rules.get(`${backup.place}/${backup.file}`) ?? (backup.place === 'archive' ? 'archived' : 'kept'),
  }));
  const unrecorded = rows.filter((row) => !row.recorded).length;
  const heading =
    `${bucket.url(bucket.location.prefix)}: ${counted(listing.backups.length, 'backup')}, ${listing.archived.length} archived` +
    `${unrecorded > 0 ? `, ${unrecorded} without a record (not offsite yet)` : ''}; ${summarizeRotation(plan)} if rotated now` +
    (!now && Math.abs(offset) > policy.clockToleranceMs
      ? ` (by the server's clock: this machine's is ${formatDuration(Math.abs(offset))} ${offset > 0 ? 'behind' : 'ahead'})`
      : '');
  const urlWidth = Math.max(0, ...rows.map((row) => row.url.length));
  const sizeWidth = Math.max(0, ...rows.map((row) => formatBytes(row.bytes).length));
  const lines = rows.map(
    (row) =>
      `${row.url.padEnd(urlWidth)}  ${formatBytes(row.bytes).padStart(sizeWidth)}  ${row.recorded ? 'recorded ' : 'NO RECORD'}  ${row.rules}`,
  );
  show(
    {
      location: bucket.url(bucket.location.prefix),
      ...(clockProblem ? { problem: clockProblem } : {}),
      backups: rows,
      others: listing.others,
    },
    [heading, ...(clockProblem ? [`warning: ${clockProblem.message}`] : []), ...lines].join('\n'),
  );
}

/** What the plan does to each backup, keyed `<place>/<file>`. */
function rulesOf(plan: RotationPlan): Map<string, string> {
  return new Map([
    ...plan.kept.map(({ file, reasons }) => [`folder/${file}`, `keep (${reasons.map(formatKeepReason).join(', ')})`] as const),
    ...plan.archived.map((file) => [`folder/${file}`, 'archive'] as const),
    ...plan.deletedFromMain.map((file) => [`folder/${file}`, `delete (taken before ${plan.archiveCutoff.toISOString()})`] as const),
    ...plan.deletedFromArchive.map((file) => [`archive/${file}`, `delete (taken before ${plan.archiveCutoff.toISOString()})`] as const),
    ...plan.skipped.map(({ file }) => [`folder/${file}`, 'stays: already in archive/'] as const),
    ...plan.futureDated.map(
      (file) => [`folder/${file}`, 'future-dated (named after now: a clock ran ahead): left alone by every rule'] as const,
    ),
  ]);
}

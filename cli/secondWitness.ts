import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BackupManifest } from '../functions/backup/folder/BackupManifest.js';
import { checksumBeside } from '../functions/backup/folder/checksumBeside.js';
import type { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { bucketWitness, type Witness } from '../functions/backup/offsite/bucketWitness.js';

/** What the bucket's record adds to a local verification: a problem that fails it, or a note. */
export interface WitnessVerdict {
  witness: Witness;
  problem?: string;
  note?: string;
}

/**
 * Asks the bucket's record of a local backup (BACKUP_S3_URL) whether the backup is the one that was
 * written. A local file and its SHA256SUMS line changed together agree with each other, not with the
 * bucket: that fails. A backup the bucket has no record of (not offsite yet), a damaged record and a
 * bucket that cannot be reached are said, not failed. Reads the file only when the record disagrees (to say which side
 * changed); writes nothing.
 */
export async function secondWitness(bucket: BackupBucket, path: string, manifest: Pick<BackupManifest, 'entry'>): Promise<WitnessVerdict> {
  const file = basename(path);
  const sums = (await manifest.entry(file)).sha256 ?? (await checksumBeside(path));
  const witness = await bucketWitness(bucket, file, sums);
  if (witness.record === 'agrees') return { witness, note: "the bucket's record agrees" };
  if (witness.record === 'missing') return { witness, note: `not offsite yet: the bucket has no record of ${file}` };
  // Its own record being damaged says nothing about the local file: the local records decide.
  if (witness.record === 'damaged')
    return { witness, note: `${witness.reason}: no second witness, checked against the local records only` };
  if (witness.record === 'unknown')
    return { witness, note: `the bucket's record could not be read (${witness.reason}): checked against the local records only` };
  const now = await sha256Of(path);
  const problem =
    now === witness.sha256
      ? `the bucket's record of ${file} agrees with the file: ${sums ? `its SHA256SUMS line (${sums}) was changed` : 'SHA256SUMS has no line for it'}`
      : now === sums
        ? `the bucket's record of ${file} says sha256 ${witness.sha256}; the local file and SHA256SUMS were changed together (both say ${sums})`
        : `the bucket's record of ${file} says sha256 ${witness.sha256}, neither the file's (${now}) nor SHA256SUMS' (${sums ?? 'none'})`;
  return { witness, problem };
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

import type { Problem } from '../Problem.js';
import type { DumpContents } from '../sql/DumpScanner.js';

/** Where a backup's offsite copy went, and how that went: the answer's `backup.offsite`. */
export interface OffsiteOutcome {
  key: string;
  /** `s3://bucket/key`. */
  url: string;
  status: 'uploaded' | 'failed';
  /** From the dump's start to the copy's end (or its failure). */
  ms: number;
  /** Why it failed, for the operator (an OffsiteError's message: never a secret). */
  reason?: string;
  code?: string;
}

/** A backup that was published locally, as its offsite record describes it. */
export interface PublishedBackup {
  file: string;
  sha256: string;
  bytes: number;
  startedAt: string;
  /** Rows, large objects and section digests; absent for an encrypted backup (they would tell what it hides). */
  contents?: DumpContents;
}

/**
 * The copy of one backup, fed while the backup is written. The creator knows no more of the bucket
 * than this: it hands over each chunk it reads anyway, then says how the local backup ended.
 */
export interface OffsiteCopy {
  /** The next bytes of the file, in order. Never waits: a copy that falls behind stops taking chunks. */
  write(chunk: Buffer): void;
  /** The backup is published: waits (bounded) for the copy to complete and records it. Never throws. */
  finish(backup: PublishedBackup): Promise<OffsiteOutcome>;
  /** The local backup failed: the copy is stopped and leaves nothing under the backup's name. Never throws. */
  abandon(): Promise<void>;
}

/** Starts the offsite copy of each new backup (BACKUP_S3_URL); the creator gets one when offsite copies are configured. */
export interface OffsiteCopier {
  /** Begins copying `file`, written at `partialPath` (which the copy may read when it falls behind the dump). */
  begin(file: string, partialPath: string): Promise<OffsiteCopy>;
  /** The outcome of a copy of `file` not even begun (`why`: the bucket did not answer earlier in the run): failed, left to the next backup. */
  skipped(file: string, why: Problem): OffsiteOutcome;
}

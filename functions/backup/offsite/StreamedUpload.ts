import * as fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from '../../log/formatDuration.js';
import { silentLogger, type Logger } from '../../log/Logger.js';
import type { OffsiteCopy, OffsiteOutcome, PublishedBackup } from '../dump/OffsiteCopier.js';
import type { BackupBucket } from './BackupBucket.js';
import { OffsiteError, offsiteError } from './offsiteError.js';

const READ_BYTES = 1024 * 1024;

export interface StreamedUploadOptions {
  bucket: BackupBucket;
  file: string;
  /** The file being written; read from when the copy falls behind the dump. */
  partialPath: string;
  partSize: number;
  /** After the dump ends, how long the copy may still take before it is stopped (BACKUP_S3_TIMEOUT_MS). */
  timeoutMs: number;
  /** How far the copy may fall behind the dump, in bytes held in memory; 4 parts by default. */
  maxLagBytes?: number;
  logger?: Logger;
}

/**
 * The offsite copy of a backup while it is written: a multipart upload fed with the chunks the
 * creator reads anyway to hash the dump, so the file is not read a second time. The dump never waits
 * for it: when the upload falls more than `maxLagBytes` behind (a slow or hung server), it stops taking
 * chunks and reads the rest from the file itself, at its own pace (mostly from the page cache). The
 * object appears only when the multipart upload completes; the record is written after it. A copy
 * that fails, is abandoned or times out is aborted in the bucket (no object, no parts left).
 */
export class StreamedUpload implements OffsiteCopy {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private writtenBytes = 0;
  private sentBytes = 0;
  /** Where the copy stopped taking chunks and began reading the file (undefined while it keeps up). */
  private detachedAt?: number;
  private endBytes?: number;
  private halted?: OffsiteError;
  private failure?: OffsiteError;
  private waiter?: () => void;
  private dumpEndedAt?: number;
  private readonly stop = new AbortController();
  private readonly started = performance.now();
  private readonly uploading: Promise<void>;
  private readonly key: string;
  private readonly maxLagBytes: number;
  private readonly logger: Logger;
  private fileClosed?: Promise<void>;

  private constructor(
    private readonly options: StreamedUploadOptions,
    private readonly handle: fs.FileHandle,
  ) {
    this.key = options.bucket.keyOf(options.file);
    this.maxLagBytes = options.maxLagBytes ?? 4 * options.partSize;
    this.logger = options.logger ?? silentLogger;
    const body = Readable.from(this.body(), { objectMode: false, highWaterMark: READ_BYTES });
    this.uploading = options.bucket
      .upload(options.file, body, { partSize: options.partSize, signal: this.stop.signal })
      .then(
        () => undefined,
        (error: unknown) => {
          this.failure = this.halted ?? offsiteError(error, options.bucket.url(this.key));
        },
      )
      .finally(() => this.closeFile());
  }

  /** Starts the upload of `file`, opening the partial file for reading (the handle outlives the rename). */
  static async start(options: StreamedUploadOptions): Promise<StreamedUpload> {
    return new StreamedUpload(options, await fs.open(options.partialPath, 'r'));
  }

  write(chunk: Buffer): void {
    if (this.halted || this.failure) return;
    this.writtenBytes += chunk.length;
    if (this.detachedAt !== undefined) return;
    if (this.queuedBytes + chunk.length > this.maxLagBytes) {
      // Holding more would cost memory, and waiting would slow the dump: the file has the bytes.
      this.detachedAt = this.writtenBytes - chunk.length;
    } else {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
    }
    this.wake();
  }

  async finish(backup: PublishedBackup): Promise<OffsiteOutcome> {
    this.endBytes = backup.bytes;
    this.dumpEndedAt = performance.now();
    this.wake();
    const { timeoutMs } = this.options;
    const url = this.options.bucket.url(this.key);
    const timer = setTimeout(
      () =>
        this.halt(
          new OffsiteError(
            'OFFSITE_TIMEOUT',
            `the copy to ${url} did not complete within ${formatDuration(timeoutMs)} after the dump (BACKUP_S3_TIMEOUT_MS); it was stopped`,
          ),
        ),
      timeoutMs,
    );
    try {
      await this.uploading;
      if (!this.failure && this.sentBytes !== backup.bytes) {
        // Never expected; an object that is not the file must not stay under the backup's name.
        this.failure = new OffsiteError('OFFSITE_FAILED', `${url}: sent ${this.sentBytes} of the file's ${backup.bytes} bytes`);
        await this.options.bucket.deleteKeys([this.key]).catch(() => undefined);
      }
      if (!this.failure) {
        await this.options.bucket
          .putRecord(
            { file: backup.file, sha256: backup.sha256, bytes: backup.bytes, startedAt: backup.startedAt, contents: backup.contents },
            this.stop.signal,
          )
          .catch((error: unknown) => {
            const cause = this.halted ?? offsiteError(error, url);
            this.failure = new OffsiteError(cause.code, `the copy is whole but its record was not written: ${cause.message}`, { cause });
          });
      }
    } finally {
      clearTimeout(timer);
    }
    return this.outcome();
  }

  async abandon(): Promise<void> {
    this.halt(new OffsiteError('OFFSITE_CANCELLED', 'the local backup failed, so its copy was stopped'));
    await this.uploading;
  }

  private outcome(): OffsiteOutcome {
    const failure = this.failure;
    const outcome: OffsiteOutcome = {
      key: this.key,
      url: this.options.bucket.url(this.key),
      status: failure ? 'failed' : 'uploaded',
      ms: Math.round(performance.now() - this.started),
      ...(failure ? { reason: failure.message, code: failure.code } : {}),
    };
    const fields = {
      file: this.options.file,
      ...outcome,
      bytes: this.sentBytes,
      partSize: this.options.partSize,
      // How long the answer waited for the copy after the dump was written, and whether it fell behind.
      waitedMs: Math.round(performance.now() - (this.dumpEndedAt ?? this.started)),
      ...(this.detachedAt === undefined ? {} : { readFromFileAfter: this.detachedAt }),
    };
    if (failure) this.logger.warn('backup.offsite', fields);
    else this.logger.info('backup.offsite', fields);
    return outcome;
  }

  private halt(error: OffsiteError): void {
    this.halted ??= error;
    this.stop.abort(error);
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Resolves at the next chunk, the end of the dump or a halt; or after `pollMs` (when reading a file that grows). */
  private more(pollMs?: number): Promise<void> {
    const woken = new Promise<void>((resolve) => (this.waiter = resolve));
    return pollMs === undefined ? woken : Promise.race([woken, sleep(pollMs)]);
  }

  /** The upload's body: the queued chunks in order, then (once detached) the file from where they end. */
  private async *body(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.halted) throw this.halted;
      const chunk = this.queue.shift();
      if (chunk) {
        this.queuedBytes -= chunk.length;
        this.sentBytes += chunk.length;
        yield chunk;
      } else if (this.endBytes !== undefined && this.sentBytes >= this.endBytes) {
        return;
      } else if (this.detachedAt !== undefined) {
        const buffer = Buffer.allocUnsafe(READ_BYTES);
        const { bytesRead } = await this.handle.read(buffer, 0, READ_BYTES, this.sentBytes);
        if (bytesRead > 0) {
          this.sentBytes += bytesRead;
          yield buffer.subarray(0, bytesRead);
        } else await this.more(5);
      } else await this.more();
    }
  }

  private closeFile(): Promise<void> {
    this.fileClosed ??= this.handle.close().catch(() => undefined);
    return this.fileClosed;
  }
}

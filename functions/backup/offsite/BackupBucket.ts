import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { parseBackupFileName } from '../retention/backupFileName.js';
import type { DumpContents } from '../sql/DumpScanner.js';
import { copyRanges } from './copyRanges.js';
import { OffsiteError, offsiteError, type S3Server } from './offsiteError.js';
import { parseOffsiteRecord } from './parseOffsiteRecord.js';
import { type S3Location, s3Url } from './S3Location.js';
import { withServerDate } from './withServerDate.js';

/** The folder of archived copies under the prefix, as `archive/` beside the local backups. */
export const ARCHIVE = 'archive/';
/** The folder of records under the prefix: one JSON object per backup, written once its copy is whole. */
export const RECORDS = 'records/';
/** The metadata an archived copy carries (`x-amz-meta-copied-from-etag`): the ETag of the backup it was copied from. */
export const COPIED_FROM = 'copied-from-etag';
/** AWS copies at most 5 GiB in one CopyObject; larger objects are copied in parts. */
export const SINGLE_COPY_LIMIT = 5 * 1024 ** 3;
/** The parts of a copy in parts: few requests, each well under AWS's 5 GiB (and at least Swift's and AWS's 5 MiB). */
export const COPY_PART_BYTES = 512 * 1024 ** 2;

/**
 * The largest record read back. A record holds a digest per section of the dump, so it grows with the
 * schema (about 80 bytes a section: 16 MiB is some 200,000 sections); anything larger is not one of ours.
 */
export const RECORD_LIMIT_BYTES = 16 * 1024 * 1024;

/** What was recorded when a backup was written, kept in the bucket as a second witness (`records/<file>.json`). */
export interface OffsiteRecord {
  file: string;
  sha256: string;
  bytes: number;
  /** When the dump began (from its name's clock). */
  startedAt: string;
  /** Rows per table, large objects and each section's digest, as counted while the dump was written. */
  contents?: DumpContents;
}

/** One backup object in the bucket. */
export interface RemoteBackup {
  file: string;
  key: string;
  bytes: number;
  lastModified?: Date;
  /** The server's ETag (quotes removed): an MD5 of the bytes, or `<md5 of part md5s>-<parts>` for a multipart upload. */
  etag?: string;
}

/** The bucket's own listing under the prefix: backups, archived backups and records, by file name. */
export interface BucketListing {
  backups: RemoteBackup[];
  archived: RemoteBackup[];
  /** The files that have a record (`records/<file>.json`). */
  records: Set<string>;
  /** Keys under the prefix that are none of these (never touched). */
  others: number;
  /** The bucket's clock: the `Date` of the server's answer to the listing's first page (a witness for this machine's clock). */
  serverTime?: Date;
}

/** How archive() copies: in one request up to `singleCopyLimit` bytes, above it in parts of `copyPartBytes` (tests make both small). */
export interface CopyLimits {
  singleCopyLimit: number;
  copyPartBytes: number;
}

/** A multipart upload under the prefix that was neither completed nor aborted (its parts are billed). */
export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated?: Date;
}

/**
 * The offsite copies of one prefix of one bucket: the only class that talks to S3. Backups are
 * `<prefix><file>`, archived ones `<prefix>archive/<file>`, their records `<prefix>records/<file>.json`.
 * An object appears only when whole (a single PUT with its Content-MD5, or a completed multipart
 * upload); the record is written after it, so a backup counts as offsite once its record exists.
 * Every failure is an OffsiteError with a message for the operator (never a secret).
 */
export class BackupBucket {
  private readonly copyLimits: CopyLimits;

  constructor(
    readonly client: S3Client,
    readonly location: S3Location,
    copyLimits: Partial<CopyLimits> = {},
  ) {
    this.copyLimits = { singleCopyLimit: SINGLE_COPY_LIMIT, copyPartBytes: COPY_PART_BYTES, ...copyLimits };
  }

  keyOf(file: string, place: 'folder' | 'archive' = 'folder'): string {
    return `${this.location.prefix}${place === 'archive' ? ARCHIVE : ''}${file}`;
  }

  recordKey(file: string): string {
    return `${this.location.prefix}${RECORDS}${file}.json`;
  }

  url(key: string): string {
    return s3Url(this.location, key);
  }

  /**
   * How far the server's clock is ahead of this machine's, in ms (negative: behind), as the SDK measured
   * it from the Date header of the last answer (it signs requests by the server's time); 0 before any.
   * Whole seconds: the header has no finer ones.
   */
  clockOffsetMs(): number {
    return this.client.config.systemClockOffset ?? 0;
  }

  /**
   * Checks that the bucket exists and these credentials may list the prefix: one listing of at most one
   * key (HeadBucket would need a permission on the whole bucket, which a least-privilege policy does not give).
   */
  async check(signal?: AbortSignal): Promise<void> {
    const input = { Bucket: this.location.bucket, Prefix: this.location.prefix, MaxKeys: 1 };
    await this.guard('', () => this.client.send(new ListObjectsV2Command(input), { abortSignal: signal }));
  }

  /**
   * Every key under the prefix, page by page (1,000 keys a page), sorted into backups, archived backups
   * and records, with the bucket's clock (`serverTime`, the first page's `Date`).
   */
  async list(signal?: AbortSignal): Promise<BucketListing> {
    const listing: BucketListing = { backups: [], archived: [], records: new Set(), others: 0 };
    const { prefix } = this.location;
    let token: string | undefined;
    do {
      const input = { Bucket: this.location.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) };
      const command = withServerDate(new ListObjectsV2Command(input), (date) => {
        listing.serverTime ??= date;
      });
      const page = await this.guard('', () => this.client.send(command, { abortSignal: signal }));
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        const name = key.slice(prefix.length);
        const entry = (file: string) => ({
          file,
          key,
          bytes: object.Size ?? 0,
          ...(object.LastModified ? { lastModified: object.LastModified } : {}),
          ...(object.ETag ? { etag: object.ETag.replace(/"/g, '') } : {}),
        });
        if (!name.includes('/') && parseBackupFileName(name)) listing.backups.push(entry(name));
        else if (name.startsWith(ARCHIVE) && parseBackupFileName(name.slice(ARCHIVE.length)))
          listing.archived.push(entry(name.slice(ARCHIVE.length)));
        else if (name.startsWith(RECORDS) && name.endsWith('.json') && parseBackupFileName(name.slice(RECORDS.length, -5)))
          listing.records.add(name.slice(RECORDS.length, -5));
        else listing.others++;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return listing;
  }

  /**
   * Uploads `body` as `<prefix><file>`: a multipart upload of `partSize` parts (each with its Content-MD5)
   * fed as the body is read, or one PUT when it is smaller than a part. A failed or aborted upload is
   * aborted in the bucket (no parts left to bill) and leaves no object.
   */
  async upload(
    file: string,
    body: Readable | Buffer,
    options: { partSize: number; signal?: AbortSignal; place?: 'folder' | 'archive' },
  ): Promise<{ key: string }> {
    const key = this.keyOf(file, options.place);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.location.bucket, Key: key, Body: body },
      partSize: options.partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const stop = () => void upload.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      await upload.done();
    } catch (error) {
      throw await this.failure(error, key);
    } finally {
      options.signal?.removeEventListener('abort', stop);
    }
    return { key };
  }

  async putRecord(record: OffsiteRecord, signal?: AbortSignal): Promise<void> {
    const key = this.recordKey(record.file);
    const input = { Bucket: this.location.bucket, Key: key, Body: `${JSON.stringify(record)}\n`, ContentType: 'application/json' };
    await this.guard(key, () => this.client.send(new PutObjectCommand(input), { abortSignal: signal }));
  }

  /**
   * The record of `file`, or undefined when the bucket has none. A record that is not one (not JSON, the
   * wrong shape, another backup's, over RECORD_LIMIT_BYTES: checked from its length before it is read)
   * throws OFFSITE_RECORD_DAMAGED naming its URL and what is wrong: it is no witness of anything.
   */
  async readRecord(file: string, signal?: AbortSignal): Promise<OffsiteRecord | undefined> {
    const key = this.recordKey(file);
    const damaged = (why: string) => new OffsiteError('OFFSITE_RECORD_DAMAGED', `the bucket's record ${this.url(key)} is damaged: ${why}`);
    const tooLarge = (bytes: number) =>
      damaged(`it is ${bytes.toLocaleString('en-US')} bytes or more, over a record's ${RECORD_LIMIT_BYTES / 1024 / 1024} MiB`);
    let text: string;
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }), { abortSignal: signal });
      const body = answer.Body as Readable;
      if ((answer.ContentLength ?? 0) > RECORD_LIMIT_BYTES) {
        body.destroy();
        throw tooLarge(answer.ContentLength!);
      }
      // Counted as it arrives too: a server may leave the length out.
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of body) {
        bytes += (chunk as Buffer).length;
        if (bytes > RECORD_LIMIT_BYTES) {
          body.destroy();
          throw tooLarge(bytes);
        }
        chunks.push(chunk as Buffer);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw await this.failure(error, key);
    }
    const parsed = parseOffsiteRecord(text, file);
    if ('damaged' in parsed) throw damaged(parsed.damaged);
    return parsed.record;
  }

  /** The object's bytes as a stream (and its length). */
  async download(key: string, signal?: AbortSignal): Promise<{ body: Readable; bytes: number }> {
    const answer = await this.guard(key, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }), { abortSignal: signal }),
    );
    return { body: answer.Body as Readable, bytes: answer.ContentLength ?? 0 };
  }

  /**
   * Moves a backup to `archive/`: a server-side copy carrying the backup's ETag in its metadata
   * (COPIED_FROM, so that a move stopped before its delete can tell its own copy from another object),
   * then the original deleted; its record stays where it is. Above `singleCopyLimit` bytes the copy is
   * made in parts (a multipart upload of UploadPartCopy ranges), aborted when it fails.
   */
  async archive(backup: Pick<RemoteBackup, 'file' | 'bytes' | 'etag'>, signal?: AbortSignal): Promise<void> {
    const from = this.keyOf(backup.file);
    const to = this.keyOf(backup.file, 'archive');
    const source = `${this.location.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
    const target = { Bucket: this.location.bucket, Key: to, Metadata: { [COPIED_FROM]: backup.etag ?? '' } };
    if (backup.bytes > this.copyLimits.singleCopyLimit) await this.copyInParts(source, target, backup.bytes, signal);
    else {
      const input = { ...target, CopySource: source, MetadataDirective: 'REPLACE' as const };
      await this.guard(to, () => this.client.send(new CopyObjectCommand(input), { abortSignal: signal }));
    }
    await this.deleteKeys([from], signal);
  }

  /** The ETag of the backup `key` was copied from (its COPIED_FROM metadata); undefined when it has none or is gone. */
  async copiedFrom(key: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }), { abortSignal: signal });
      return head.Metadata?.[COPIED_FROM] || undefined;
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFound') return undefined;
      throw await this.failure(error, key);
    }
  }

  /** The multipart uploads under the prefix still open, page by page. */
  async pendingUploads(signal?: AbortSignal): Promise<PendingUpload[]> {
    const pending: PendingUpload[] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const input = { Bucket: this.location.bucket, Prefix: this.location.prefix, ...markers };
      const page = await this.guard('', () => this.client.send(new ListMultipartUploadsCommand(input), { abortSignal: signal }));
      for (const upload of page.Uploads ?? []) {
        if (upload.Key && upload.UploadId)
          pending.push({ key: upload.Key, uploadId: upload.UploadId, ...(upload.Initiated ? { initiated: upload.Initiated } : {}) });
      }
      if (!page.IsTruncated) return pending;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }

  /** Aborts one multipart upload: its parts are deleted and it can no longer complete. One already gone is no failure. */
  async abortUpload(upload: PendingUpload, signal?: AbortSignal): Promise<void> {
    const input = { Bucket: this.location.bucket, Key: upload.key, UploadId: upload.uploadId };
    await this.guard(upload.key, () =>
      this.client.send(new AbortMultipartUploadCommand(input), { abortSignal: signal }).catch((error: { name?: string }) => {
        if (error.name !== 'NoSuchUpload') throw error;
      }),
    );
  }

  /** Deletes keys, 1,000 a request; says which could not be deleted. */
  async deleteKeys(keys: string[], signal?: AbortSignal): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const input = { Bucket: this.location.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } };
      const answer = await this.guard('', () => this.client.send(new DeleteObjectsCommand(input), { abortSignal: signal }));
      const failed = answer.Errors ?? [];
      if (failed.length > 0) {
        throw offsiteError(
          Object.assign(
            new Error(
              `${failed.length} of ${batch.length} deletions refused, first ${failed[0]?.Key}: ${failed[0]?.Code} ${failed[0]?.Message ?? ''}`,
            ),
            {
              name: failed[0]?.Code ?? 'DeleteFailed',
            },
          ),
          this.describe(failed[0]?.Key ?? ''),
        );
      }
    }
  }

  /** Copies `bytes` of `source` to `target` in ranges, two parts at a time; a copy that fails is aborted (no parts left to bill). */
  private async copyInParts(
    source: string,
    target: { Bucket: string; Key: string; Metadata: Record<string, string> },
    bytes: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const { UploadId } = await this.guard(target.Key, () =>
      this.client.send(new CreateMultipartUploadCommand(target), { abortSignal: signal }),
    );
    const upload = { Bucket: target.Bucket, Key: target.Key, UploadId };
    try {
      const ranges = copyRanges(bytes, this.copyLimits.copyPartBytes);
      const Parts: { PartNumber: number; ETag?: string }[] = [];
      for (let start = 0; start < ranges.length; start += 2) {
        // Settled, not raced: no part copy is still running when a failure aborts the upload.
        const copied = await Promise.allSettled(
          ranges.slice(start, start + 2).map(async (range, index) => {
            const input = { ...upload, PartNumber: start + index + 1, CopySource: source, CopySourceRange: range };
            const answer = await this.client.send(new UploadPartCopyCommand(input), { abortSignal: signal });
            return { PartNumber: input.PartNumber, ETag: answer.CopyPartResult?.ETag };
          }),
        );
        for (const part of copied) {
          if (part.status === 'rejected') throw part.reason;
          Parts.push(part.value);
        }
      }
      await this.client.send(new CompleteMultipartUploadCommand({ ...upload, MultipartUpload: { Parts } }), { abortSignal: signal });
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand(upload)).catch(() => undefined);
      throw await this.failure(error, target.Key);
    }
  }

  private describe(key: string): string {
    return key ? this.url(key) : `s3://${this.location.bucket}/${this.location.prefix}`;
  }

  /** Runs one request, its failure an OffsiteError naming `key` (the prefix when there is none). */
  private async guard<Output>(key: string, request: () => Promise<Output>): Promise<Output> {
    try {
      return await request();
    } catch (error) {
      throw await this.failure(error, key);
    }
  }

  /** A failed request as an OffsiteError naming `key` and the server the client sends to. */
  private async failure(error: unknown, key: string): Promise<Error> {
    return offsiteError(error, this.describe(key), await this.server().catch(() => undefined));
  }

  /**
   * The server requests go to, from the client's own configuration: its custom endpoint
   * (`AWS_ENDPOINT_URL_S3`), else AWS's endpoint of its region.
   */
  private async server(): Promise<S3Server | undefined> {
    const { config } = this.client;
    if (config.isCustomEndpoint && config.endpoint) {
      const { protocol, hostname, port, path } = await config.endpoint();
      return { endpoint: `${protocol}//${hostname}${port ? `:${port}` : ''}${path === '/' ? '' : path}`, custom: true };
    }
    const region = await config.region().catch(() => undefined);
    return region ? { endpoint: `s3.${region}.amazonaws.com`, custom: false } : undefined;
  }
}

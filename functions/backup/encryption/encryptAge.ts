import { Transform, type TransformCallback } from 'node:stream';
import { Encrypter } from 'age-encryption';
import { CHUNK_BYTES, PAYLOAD_NONCE_BYTES, payloadKey, openChunk, sealChunk, TAG_BYTES } from './agePayload.js';

/**
 * A stream that encrypts what is written to it into an age file (age-encryption.org/v1) for
 * `recipients` (`age1…` public keys, already checked by parseRecipients). Nothing of the plaintext
 * is ever emitted: only the header, the payload nonce and sealed chunks.
 *
 * The header is the `age-encryption` library's own (the reference TypeScript implementation: it
 * wraps the file key for each recipient and MACs the header). The payload is sealed with Node's
 * native ChaCha20-Poly1305 (agePayload), which is several times faster than the library's
 * JavaScript cipher. To seal it, the file key is needed: one more Recipient, which wraps nothing
 * (no stanza: the header is exactly the one the real recipients make), hears it. The library then
 * encrypts an empty file, whose header and nonce are kept, and whose one sealed (empty, last) chunk
 * is opened with the derived key before anything is written: a key that does not match the
 * library's header fails here, never in a restore.
 */
export async function encryptAge(recipients: readonly string[]): Promise<Transform> {
  if (recipients.length === 0) throw new Error('encryption needs at least one recipient');
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  let fileKey: Uint8Array | undefined;
  encrypter.addRecipient({
    wrapFileKey(key: Uint8Array) {
      fileKey = Uint8Array.from(key);
      return [];
    },
  });
  const empty = await encrypter.encrypt(new Uint8Array(0));
  const prefix = Buffer.from(empty.subarray(0, empty.length - TAG_BYTES));
  if (!fileKey) throw new Error('the age library did not hand over the file key');
  const key = payloadKey(fileKey, prefix.subarray(prefix.length - PAYLOAD_NONCE_BYTES));
  fileKey.fill(0);
  if (!openChunk(key, 0, true, empty.subarray(empty.length - TAG_BYTES))) {
    throw new Error("the payload key does not match the age library's header");
  }
  return new AgeEncryptor(prefix, key);
}

class AgeEncryptor extends Transform {
  private readonly pending = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private counter = 0;

  constructor(
    prefix: Buffer,
    private readonly key: Buffer,
  ) {
    super({ writableHighWaterMark: CHUNK_BYTES, readableHighWaterMark: CHUNK_BYTES * 4 });
    this.push(prefix);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      for (let offset = 0; offset < chunk.length; ) {
        // A full chunk is sealed only once more plaintext follows: the last one carries the last-chunk flag.
        if (this.used === CHUNK_BYTES) {
          this.push(sealChunk(this.key, this.counter++, false, this.pending));
          this.used = 0;
        }
        const n = Math.min(CHUNK_BYTES - this.used, chunk.length - offset);
        chunk.copy(this.pending, this.used, offset, offset + n);
        this.used += n;
        offset += n;
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.push(sealChunk(this.key, this.counter, true, this.pending.subarray(0, this.used)));
      this.pending.fill(0);
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

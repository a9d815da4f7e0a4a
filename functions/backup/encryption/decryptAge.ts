import { Transform, type TransformCallback } from 'node:stream';
import { Decrypter } from 'age-encryption';
import { openChunk, PAYLOAD_NONCE_BYTES, payloadKey, SEALED_CHUNK_BYTES, TAG_BYTES } from './agePayload.js';
import { DecryptionError } from './DecryptionError.js';
import type { AgeIdentity } from './readIdentityFile.js';

const MAGIC = Buffer.from('age-encryption.org/v1\n');
const ARMOR = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----');
const MAC_LINE = Buffer.from('\n--- ');
/** A header holds a few stanzas (a post-quantum one is ~1.6 kB); anything longer is not a header. */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * A stream that decrypts an age file (ours, or one the `age` CLI wrote) written to it and emits the
 * plaintext, chunk by chunk as each is authenticated. The header is opened by the `age-encryption`
 * library (it unwraps the file key with `identity` and checks the header's MAC); the payload by
 * Node's native ChaCha20-Poly1305 (agePayload). A wrong identity, a damaged header, a damaged,
 * dropped or reordered chunk, and a file cut short (even at a chunk boundary: the last chunk is
 * flagged) end the stream with a DecryptionError; nothing of an unauthenticated chunk is emitted.
 */
export function decryptAge(identity: AgeIdentity): Transform {
  return new AgeDecryptor(identity);
}

class AgeDecryptor extends Transform {
  private head: Buffer = Buffer.alloc(0);
  private fileKey?: Uint8Array;
  private key?: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private counter = 0;

  constructor(private readonly identity: AgeIdentity) {
    super({ readableHighWaterMark: SEALED_CHUNK_BYTES * 4 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.accept(chunk).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.fileKey) {
        this.checkStart();
        throw damaged('it is cut short in its header');
      }
      if (!this.key) throw damaged('it is cut short before its payload');
      this.last();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private async accept(chunk: Buffer): Promise<void> {
    if (!this.fileKey) {
      this.head = Buffer.concat([this.head, chunk]);
      this.checkStart();
      const macAt = this.head.indexOf(MAC_LINE);
      const end = macAt < 0 ? -1 : this.head.indexOf(0x0a, macAt + MAC_LINE.length);
      if (end < 0) {
        if (this.head.length > MAX_HEADER_BYTES) throw damaged('its header is longer than any age header');
        return;
      }
      this.fileKey = await this.openHeader(this.head.subarray(0, end + 1));
      chunk = this.head.subarray(end + 1);
      this.head = Buffer.alloc(0);
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (!this.key) {
      // The payload nonce is the 16 bytes after the header.
      if (this.pending.length < PAYLOAD_NONCE_BYTES) return;
      this.key = payloadKey(this.fileKey, this.pending.subarray(0, PAYLOAD_NONCE_BYTES));
      this.fileKey.fill(0);
      this.pending = this.pending.subarray(PAYLOAD_NONCE_BYTES);
    }
    // Every chunk followed by more bytes is not the last: opened now; the rest waits.
    let offset = 0;
    while (this.pending.length - offset > SEALED_CHUNK_BYTES) {
      const plain = openChunk(this.key, this.counter, false, this.pending.subarray(offset, offset + SEALED_CHUNK_BYTES));
      if (!plain) throw damaged(`chunk ${this.counter + 1} fails authentication (damaged, moved or from another file)`);
      this.push(plain);
      this.counter++;
      offset += SEALED_CHUNK_BYTES;
    }
    if (offset > 0) this.pending = Buffer.from(this.pending.subarray(offset));
  }

  /** What the first bytes say: an age file, an armored one, or something else. */
  private checkStart(): void {
    const start = this.head.subarray(0, MAGIC.length);
    if (start.length >= 10 && ARMOR.subarray(0, start.length).equals(start.subarray(0, Math.min(start.length, ARMOR.length)))) {
      throw damaged('it is ASCII-armored (age -a): decrypt it with the age CLI, then restore the plain file');
    }
    if (!MAGIC.subarray(0, start.length).equals(start)) throw damaged('it is not an age file (no age-encryption.org/v1 header)');
  }

  private async openHeader(header: Buffer): Promise<Uint8Array> {
    const decrypter = new Decrypter();
    for (const key of this.identity.keys) decrypter.addIdentity(key);
    try {
      return await decrypter.decryptHeader(header);
    } catch (error) {
      const message = (error as Error).message;
      if (/no identity matched/.test(message)) {
        throw new DecryptionError(
          'WRONG_IDENTITY',
          `no identity in ${this.identity.file} opens it: it was encrypted to other recipients (or its header is damaged)`,
        );
      }
      if (/HMAC/.test(message)) throw damaged("its header is damaged (the header's MAC does not match)");
      throw damaged(`its header cannot be read (${message})`);
    }
  }

  /** The last chunk: flagged as last, empty only when the whole plaintext is. */
  private last(): void {
    const sealed = this.pending;
    if (sealed.length < TAG_BYTES) {
      throw damaged(
        this.counter === 0 && sealed.length === 0 ? 'it has no payload after its header' : `it is cut short after chunk ${this.counter}`,
      );
    }
    const plain = openChunk(this.key!, this.counter, true, sealed);
    if (!plain) {
      const whole = sealed.length === SEALED_CHUNK_BYTES && openChunk(this.key!, this.counter, false, sealed);
      throw damaged(
        whole
          ? `it is cut short after chunk ${this.counter + 1} (the chunks after it are missing)`
          : `chunk ${this.counter + 1} (the last) fails authentication (damaged, cut short or from another file)`,
      );
    }
    if (plain.length === 0 && this.counter > 0) throw damaged('it ends with an empty chunk after others (age never writes one)');
    this.push(plain);
  }
}

function damaged(why: string): DecryptionError {
  return new DecryptionError('ENCRYPTED_BACKUP_DAMAGED', `the encrypted backup cannot be opened: ${why}`);
}

import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/**
 * age's payload (age-encryption.org/v1, "Payload"): after the header, a 16-byte nonce, then the
 * plaintext in 64 KiB chunks, each sealed with ChaCha20-Poly1305 under a key derived from the file
 * key and that nonce. A chunk's 12-byte nonce is an 11-byte big-endian counter and a last-chunk
 * flag, so a dropped, reordered or cut chunk fails authentication. Node's native cipher runs it
 * (the JavaScript one of `age-encryption` is ~4× slower here); the header stays the library's.
 */
export const CHUNK_BYTES = 64 * 1024;
export const TAG_BYTES = 16;
export const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
export const PAYLOAD_NONCE_BYTES = 16;

/** The key of the payload's chunks: HKDF-SHA-256 of the file key, salted with the payload nonce. */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
}

/** The nonce of chunk `counter` (0, 1, …), flagged when it is the last. */
function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  // 11 bytes of counter; a JavaScript number counts 2^53 chunks (512 PiB), far beyond any backup.
  nonce.writeUIntBE(Math.floor(counter / 2 ** 48), 0, 5);
  nonce.writeUIntBE(counter % 2 ** 48, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Seals one chunk of plaintext (at most CHUNK_BYTES; only the last may be shorter, or empty when it is the only one). */
export function sealChunk(key: Buffer, counter: number, last: boolean, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, chunkNonce(counter, last), { authTagLength: TAG_BYTES });
  const body = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([body, cipher.getAuthTag()]);
}

/** Opens one sealed chunk; undefined when it fails authentication (damaged, moved, cut, or not the last when flagged so). */
export function openChunk(key: Buffer, counter: number, last: boolean, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < TAG_BYTES) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, chunkNonce(counter, last), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return body;
}

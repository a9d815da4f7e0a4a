import { beforeAll, describe, expect, it } from '@jest/globals';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import fc from 'fast-check';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CHUNK_BYTES, PAYLOAD_NONCE_BYTES, SEALED_CHUNK_BYTES } from './agePayload.js';
import { DecryptionError } from './DecryptionError.js';
import { decryptAge } from './decryptAge.js';
import { encryptAge } from './encryptAge.js';
import type { AgeIdentity } from './readIdentityFile.js';

let identity: AgeIdentity;
let other: AgeIdentity;

const newIdentity = async (file: string): Promise<AgeIdentity> => {
  const key = await generateX25519Identity();
  return { file, keys: [key], recipients: [await identityToRecipient(key)] };
};

beforeAll(async () => {
  identity = await newIdentity('identity.txt');
  other = await newIdentity('other.txt');
});

/** Writes `bytes` into `stream` cut at `cuts` (offsets), one write each, as a pipe would, and gathers what it emits. */
async function through(stream: Transform, bytes: Uint8Array, cuts: number[]): Promise<Buffer> {
  const points = [...new Set([0, ...cuts.filter((cut) => cut > 0 && cut < bytes.length), bytes.length])].sort((a, b) => a - b);
  const pieces = points.slice(1).map((to, i) => Buffer.from(bytes.subarray(points[i], to)));
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), stream, async (emitted: AsyncIterable<Buffer>) => {
    for await (const chunk of emitted) out.push(chunk);
  });
  return Buffer.concat(out);
}

const encrypt = async (plain: Uint8Array, cuts: number[] = []) => through(await encryptAge(identity.recipients), plain, cuts);
const decrypt = (file: Uint8Array, cuts: number[] = [], key = identity) => through(decryptAge(key), file, cuts);
const libraryDecrypt = async (file: Uint8Array) => {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity.keys[0]!);
  return Buffer.from(await decrypter.decrypt(file));
};

/** Plaintext sizes around the chunk boundaries (where off-by-ones live), and anywhere up to three chunks. */
const size = fc.oneof(
  fc.constantFrom(0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES - 1, 2 * CHUNK_BYTES, 2 * CHUNK_BYTES + 1),
  fc
    .integer({ min: -16, max: 16 })
    .chain((delta) => fc.constantFrom(CHUNK_BYTES + delta, 2 * CHUNK_BYTES + delta, 3 * CHUNK_BYTES + delta)),
  fc.integer({ min: 0, max: 3 * CHUNK_BYTES + 17 }),
);
/** Bytes of such a size (a repeated random pattern: fast-check's own arrays of 200 KB are slow to make). */
const plaintext = fc
  .tuple(
    size.map((n) => Math.max(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 257 }),
  )
  .map(([n, pattern]) => {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = pattern[i % pattern.length]! ^ (i >> 8);
    return bytes;
  });
/** Byte equality (jest's deep equality walks a 200 KB buffer element by element, seconds per run). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
/** Where the writes are cut: anywhere, a few times. */
const cuts = fc.array(fc.integer({ min: 0, max: 3 * SEALED_CHUNK_BYTES + 400 }), { maxLength: 6 });

describe('age streams (encryptAge, decryptAge) against the age-encryption library', () => {
  it('encryptAge then decryptAge, each written in arbitrary pieces, gives the same bytes; the library decrypts the same file to them too', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, cuts, cuts, async (plain, encryptCuts, decryptCuts) => {
        const file = await encrypt(plain, encryptCuts);

        expect(file.length).toBe(sealedLength(file, plain.length));
        expect(sameBytes(await decrypt(file, decryptCuts), plain)).toBe(true);
        expect(sameBytes(await libraryDecrypt(file), plain)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it("decryptAge opens what the library's Encrypter wrote", async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, cuts, async (plain, decryptCuts) => {
        const encrypter = new Encrypter();
        encrypter.addRecipient(identity.recipients[0]!);
        const file = await encrypter.encrypt(plain);

        expect(sameBytes(await decrypt(file, decryptCuts), plain)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects every flipped bit of the header and the payload nonce, one at a time (no lenient base64, no unchecked byte)', async () => {
    const file = await encrypt(Buffer.from('-- PostgreSQL database dump\n'));
    const prefix = file.indexOf('\n', file.indexOf('\n--- ') + 1) + 1 + PAYLOAD_NONCE_BYTES;
    const opened: string[] = [];
    for (let at = 0; at < prefix; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = Buffer.from(file);
        damaged[at]! ^= 1 << bit;
        if (
          await decrypt(damaged).then(
            () => true,
            (error: unknown) => !(error instanceof DecryptionError),
          )
        )
          opened.push(`${at}:${bit}`);
      }
    }

    expect(opened).toEqual([]);
  });

  it('rejects any single flipped byte, anywhere (header, nonce, any chunk): never a wrong plaintext', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, fc.nat(), fc.integer({ min: 1, max: 255 }), cuts, async (plain, at, mask, decryptCuts) => {
        const file = await encrypt(plain);
        const damaged = Buffer.from(file);
        damaged[at % damaged.length]! ^= mask;

        await expect(decrypt(damaged, decryptCuts)).rejects.toBeInstanceOf(DecryptionError);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects the file cut short anywhere, chunk boundaries included', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, fc.nat(), cuts, async (plain, cut, decryptCuts) => {
        const file = await encrypt(plain);
        const short = file.subarray(0, cut % file.length);

        await expect(decrypt(short, decryptCuts)).rejects.toThrow(
          expect.objectContaining({ code: 'ENCRYPTED_BACKUP_DAMAGED' }) as unknown as Error,
        );
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    ['a chunk dropped from the middle', (file: Buffer, payload: number) => cut(file, payload + SEALED_CHUNK_BYTES, SEALED_CHUNK_BYTES)],
    [
      'the last chunk dropped (a file cut at a chunk boundary)',
      (file: Buffer, payload: number) => file.subarray(0, payload + 2 * SEALED_CHUNK_BYTES),
    ],
    ['two chunks swapped', (file: Buffer, payload: number) => swap(file, payload, payload + SEALED_CHUNK_BYTES)],
    [
      'a chunk repeated',
      (file: Buffer, payload: number) => Buffer.concat([file.subarray(0, payload + SEALED_CHUNK_BYTES), file.subarray(payload)]),
    ],
    ['bytes after the last chunk', (file: Buffer) => Buffer.concat([file, Buffer.from('x')])],
  ])('rejects %s', async (_what, change) => {
    const plain = Buffer.alloc(2 * CHUNK_BYTES + 100, 7);
    const file = await encrypt(plain);
    const payload = file.length - (2 * SEALED_CHUNK_BYTES + 100 + 16);

    await expect(decrypt(change(file, payload))).rejects.toMatchObject({ code: 'ENCRYPTED_BACKUP_DAMAGED' });
  });

  it('says a wrong identity is one: WRONG_IDENTITY, naming its file, nothing emitted', async () => {
    const file = await encrypt(Buffer.from('-- PostgreSQL database dump\n'));
    const emitted: Buffer[] = [];
    const stream = decryptAge(other);
    stream.on('data', (chunk: Buffer) => emitted.push(chunk));

    await expect(through(stream, file, [])).rejects.toMatchObject({
      code: 'WRONG_IDENTITY',
      message: expect.stringMatching(/^no identity in other\.txt opens it/),
    });
    expect(emitted).toEqual([]);
  });
});

/** The length age gives `plainBytes` of plaintext: the header, the nonce, full chunks, the last one (empty only when all is). */
function sealedLength(file: Buffer, plainBytes: number): number {
  const header = file.indexOf('\n', file.indexOf('\n--- ') + 1) + 1;
  const chunks = Math.max(1, Math.ceil(plainBytes / CHUNK_BYTES));
  return header + PAYLOAD_NONCE_BYTES + plainBytes + chunks * (SEALED_CHUNK_BYTES - CHUNK_BYTES);
}

const cut = (file: Buffer, from: number, bytes: number) => Buffer.concat([file.subarray(0, from), file.subarray(from + bytes)]);
const swap = (file: Buffer, a: number, b: number) =>
  Buffer.concat([
    file.subarray(0, a),
    file.subarray(b, b + SEALED_CHUNK_BYTES),
    file.subarray(a, a + SEALED_CHUNK_BYTES),
    file.subarray(b + SEALED_CHUNK_BYTES),
  ]);

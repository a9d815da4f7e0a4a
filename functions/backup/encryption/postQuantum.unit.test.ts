/**
 * Post-quantum hybrid recipients (`age1pq1…`, ML-KEM-768 + X25519): Debian's age 1.1.1 predates
 * them, so the reference TypeScript library is the other side here, both ways.
 */
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { Decrypter, Encrypter, generateHybridIdentity, identityToRecipient } from 'age-encryption';
import { decryptAge } from './decryptAge.js';
import { encryptAge } from './encryptAge.js';

const identity = await generateHybridIdentity();
const recipient = await identityToRecipient(identity);

describe('post-quantum hybrid recipients', () => {
  it.each([0, 70_000])('%i bytes we encrypt for an age1pq1… key open with the library', async (size) => {
    const plaintext = randomBytes(size);
    const ciphertext = await buffer(Readable.from([plaintext]).pipe(await encryptAge([recipient])));
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);

    expect(Buffer.from(await decrypter.decrypt(ciphertext)).equals(plaintext)).toBe(true);
  });

  it.each([0, 70_000])('%i bytes the library encrypts for it open with ours', async (size) => {
    const plaintext = randomBytes(size);
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    const ciphertext = await encrypter.encrypt(plaintext);

    const opened = await buffer(
      Readable.from([Buffer.from(ciphertext)]).pipe(decryptAge({ file: 'pq.key', keys: [identity], recipients: [recipient] })),
    );
    expect(opened.equals(plaintext)).toBe(true);
  });
});

/**
 * Our age files and the `age` CLI's (Debian's age 1.1.1, installed by .ci/run) read each other: the
 * promise that an owner can open a backup with `age -d` alone, and that we open what `age` wrote.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { ageCliInstalled, describeWithAgeCli } from '../../../test/support/ageCli.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { decryptAge } from './decryptAge.js';
import { encryptAge } from './encryptAge.js';
import { readIdentityFile } from './readIdentityFile.js';

const age = (args: string[], input?: Buffer) => execFileSync('age', args, { input, maxBuffer: 64 * 1024 * 1024 });

let dir: string;
/** Two key pairs made by age-keygen: files encrypted to both open with either. */
const keys: { identityFile: string; recipient: string }[] = [];

beforeAll(async () => {
  dir = await tempFolder('notes-age-cli-');
  if (!ageCliInstalled()) return;
  for (const name of ['first', 'second']) {
    const identityFile = join(dir, `${name}.key`);
    execFileSync('age-keygen', ['-o', identityFile], { stdio: 'pipe' });
    keys.push({ identityFile, recipient: execFileSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).trim() });
  }
});
afterAll(() => removeFolder(dir));

async function ourEncryption(plaintext: Buffer, recipients: string[]): Promise<string> {
  const plainPath = join(dir, 'plain.bin');
  const agePath = join(dir, 'ours.age');
  await writeFile(plainPath, plaintext);
  await pipeline(createReadStream(plainPath, { highWaterMark: 7_919 }), await encryptAge(recipients), createWriteStream(agePath));
  return agePath;
}

async function ourDecryption(agePath: string, identityFile: string): Promise<Buffer> {
  const out = join(dir, 'decrypted.bin');
  await pipeline(createReadStream(agePath), decryptAge(await readIdentityFile(identityFile)), createWriteStream(out));
  return readFile(out);
}

// Sizes at and around the 64 KiB chunk boundaries, and an empty file (one empty last chunk).
const SIZES = [0, 1, 65_535, 65_536, 65_537, 3 * 65_536, 1_000_003];

describeWithAgeCli('the age CLI opens what we encrypt', () => {
  it.each(SIZES)('%i bytes, for two recipients: age -d with either identity gives the bytes back', async (size) => {
    const plaintext = randomBytes(size);
    const agePath = await ourEncryption(plaintext, [keys[0]!.recipient, keys[1]!.recipient]);

    for (const { identityFile } of keys) expect(age(['-d', '-i', identityFile, agePath]).equals(plaintext)).toBe(true);
  });
});

describeWithAgeCli('we open what the age CLI encrypts', () => {
  it.each(SIZES)('%i bytes, for two recipients: either identity gives the bytes back', async (size) => {
    const plaintext = randomBytes(size);
    const agePath = join(dir, 'theirs.age');
    await writeFile(agePath, age(['-e', '-r', keys[0]!.recipient, '-r', keys[1]!.recipient], plaintext));

    for (const { identityFile } of keys) expect((await ourDecryption(agePath, identityFile)).equals(plaintext)).toBe(true);
  });

  it('a file the CLI encrypted to another key: WRONG_IDENTITY, naming the identity file', async () => {
    const agePath = join(dir, 'other.age');
    await writeFile(agePath, age(['-e', '-r', keys[1]!.recipient], randomBytes(100_000)));

    await expect(ourDecryption(agePath, keys[0]!.identityFile)).rejects.toMatchObject({
      code: 'WRONG_IDENTITY',
      message: `no identity in ${keys[0]!.identityFile} opens it: it was encrypted to other recipients (or its header is damaged)`,
    });
  });

  it('an armored file (age -a): a clear refusal that says how to open it', async () => {
    const agePath = join(dir, 'armored.age');
    await writeFile(agePath, age(['-e', '-a', '-r', keys[0]!.recipient], randomBytes(1_000)));

    await expect(ourDecryption(agePath, keys[0]!.identityFile)).rejects.toMatchObject({
      code: 'ENCRYPTED_BACKUP_DAMAGED',
      message: expect.stringContaining('ASCII-armored (age -a): decrypt it with the age CLI'),
    });
  });

  it("age-keygen's identity file is read as age reads it (comments skipped), and its public key derived", async () => {
    const identity = await readIdentityFile(keys[0]!.identityFile);

    expect(identity.recipients).toEqual([keys[0]!.recipient]);
    expect(identity.keys).toHaveLength(1);
  });
});

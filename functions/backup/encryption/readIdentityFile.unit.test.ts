import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateHybridIdentity, generateIdentity, identityToRecipient } from 'age-encryption';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { readIdentityFile } from './readIdentityFile.js';

let dir: string;
const X25519 = await generateIdentity();
const HYBRID = await generateHybridIdentity();

beforeAll(async () => {
  dir = await tempFolder('notes-identity-');
});
afterAll(() => removeFolder(dir));

async function fileWith(text: string): Promise<string> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.key`);
  await writeFile(path, text);
  return path;
}

describe('readIdentityFile: the private keys restore and verify decrypt with', () => {
  it("reads age-keygen's format: comments, blank lines, X25519 and post-quantum keys; derives their public keys", async () => {
    const path = await fileWith(`# created: 2026-12-06\n# public key: …\n${X25519}\n\n  ${HYBRID}  \n`);

    expect(await readIdentityFile(path)).toEqual({
      file: path,
      keys: [X25519, HYBRID],
      recipients: [await identityToRecipient(X25519), await identityToRecipient(HYBRID)],
    });
  });

  it.each([
    ['an empty file', '', 'it holds no AGE-SECRET-KEY-1… identity'],
    ['only comments', '# nothing here\n', 'it holds no AGE-SECRET-KEY-1… identity'],
    [
      'a public key given by mistake',
      'age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp\n',
      'line 1 is a public key (a recipient)',
    ],
    ['a passphrase-protected (armored) file', '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n', 'it is armored or passphrase-protected'],
    ['a plugin identity', 'AGE-PLUGIN-YUBIKEY-1QQQ\n', 'line 1 is a plugin identity'],
    ['an SSH private key', '-----BEGIN OPENSSH PRIVATE KEY-----\n', 'it is armored or passphrase-protected'],
    ['garbage on line 3', `# a\n${X25519}\nhello\n`, 'line 3 is not an AGE-SECRET-KEY-1… identity'],
    [
      'a key with one character changed',
      `${X25519.slice(0, 30)}${X25519[30] === 'Q' ? 'P' : 'Q'}${X25519.slice(31)}\n`,
      'line 1 is not a valid age identity',
    ],
  ])('refuses %s, naming the file and line, never the key', async (_case, text, why) => {
    const path = await fileWith(text);

    const error = (await readIdentityFile(path).then(
      () => new Error('read'),
      (caught: unknown) => caught,
    )) as Error & { code: string };
    expect(error).toMatchObject({
      code: 'IDENTITY_INVALID',
      message: expect.stringContaining(`${path} is not an age identity file: ${why}`),
    });
    expect(error.message).not.toContain(X25519.slice(16));
  });

  it('a missing file: IDENTITY_INVALID saying it cannot be read', async () => {
    await expect(readIdentityFile(join(dir, 'nope.key'))).rejects.toMatchObject({
      code: 'IDENTITY_INVALID',
      message: `${join(dir, 'nope.key')} is not an age identity file: it cannot be read (ENOENT)`,
    });
  });
  it.each([
    ['/dev/zero (endless)', '/dev/zero', 'it is a character device, not a file'],
    ['a directory', '/tmp', 'it is a directory, not a file'],
  ])('refuses %s at once, reading nothing of it', async (_case, path, why) => {
    await expect(readIdentityFile(path)).rejects.toMatchObject({
      code: 'IDENTITY_INVALID',
      message: `${path} is not an age identity file: ${why}`,
    });
  });

  it('a FIFO nobody writes into: refused when the wait ends, instead of hanging', async () => {
    const path = join(dir, 'nobody.fifo');
    execFileSync('mkfifo', [path]);

    await expect(readIdentityFile(path, { pipeWaitMs: 50 })).rejects.toMatchObject({
      code: 'IDENTITY_INVALID',
      message: `${path} is not an age identity file: it is a FIFO and nothing was written into it within 0.05 s`,
    });
  });

  it('a FIFO with a writer (as `--identity <(pass show key)` gives): read like a file', async () => {
    const path = join(dir, 'written.fifo');
    execFileSync('mkfifo', [path]);
    const reading = readIdentityFile(path);
    const writer = await open(path, 'w');
    await writer.writeFile(`# from a password manager\n${X25519}\n`);
    await writer.close();

    expect(await reading).toMatchObject({ keys: [X25519] });
  });

  it('a FIFO that never ends: refused once it passed 1 MiB', async () => {
    const path = join(dir, 'endless.fifo');
    execFileSync('mkfifo', [path]);
    const reading = readIdentityFile(path).then(
      () => new Error('read'),
      (caught: unknown) => caught,
    );
    const writer = await open(path, 'w');
    const block = Buffer.alloc(64 * 1024, 0x23);
    const flood = (async () => {
      try {
        for (let i = 0; i < 64; i++) await writer.write(block);
      } catch {
        // the reader gave up: EPIPE
      } finally {
        await writer.close();
      }
    })();

    expect(await reading).toMatchObject({
      code: 'IDENTITY_INVALID',
      message: `${path} is not an age identity file: it is longer than 1048576 bytes, more than any identity file`,
    });
    await flood;
  });
});

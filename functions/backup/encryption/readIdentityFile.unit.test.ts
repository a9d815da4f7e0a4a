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

  it.each([
    [
      'a missing file',
      'nope.key',
      '--identity',
      (path: string) => `${path}: no such file; give the age identity file (age-keygen -o <file> writes one)`,
    ],
    [
      'a missing file from BACKUP_IDENTITY_FILE',
      'nope.key',
      'BACKUP_IDENTITY_FILE',
      (path: string) => `${path} (BACKUP_IDENTITY_FILE): no such file; give the age identity file (age-keygen -o <file> writes one)`,
    ],
    ['a folder', '.', '--identity', (path: string) => `${path} is a folder, not an age identity file`],
  ] as const)('refuses %s in one line that says what to do', async (_case, name, from, message) => {
    const path = join(dir, name);

    await expect(readIdentityFile(path, { from })).rejects.toMatchObject({ code: 'IDENTITY_INVALID', message: message(path) });
  });

  it('refuses a ~ path no shell expanded (BACKUP_IDENTITY_FILE in a .env file), saying so', async () => {
    await expect(readIdentityFile('~/.config/notes/backup.key', { from: 'BACKUP_IDENTITY_FILE' })).rejects.toMatchObject({
      code: 'IDENTITY_INVALID',
      message: '~/.config/notes/backup.key (BACKUP_IDENTITY_FILE): no such file; ~ is not expanded here: give the full path',
    });
  });

  it.each([
    ['the private key itself', X25519, '--identity', '--identity takes the path of an identity file, not the key itself'],
    ['the private key in lower case', X25519.toLowerCase(), '--identity', 'not the key itself'],
    ['the post-quantum private key itself', HYBRID, 'BACKUP_IDENTITY_FILE', 'BACKUP_IDENTITY_FILE takes the path of an identity file'],
    ['the public key', 'age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp', '--identity', 'not a public key (age1…)'],
  ] as const)('refuses %s given in place of the file, never repeating it', async (_case, value, from, why) => {
    const error = (await readIdentityFile(value, { from }).then(
      () => new Error('read'),
      (caught: unknown) => caught,
    )) as Error & { code: string };

    expect(error).toMatchObject({ code: 'IDENTITY_INVALID', message: expect.stringContaining(why) });
    expect(error.message.toUpperCase()).not.toContain(value.slice(16, 40).toUpperCase());
  });

  it.each([['/dev/zero (endless)', '/dev/zero', 'it is a character device, not a file']])(
    'refuses %s at once, reading nothing of it',
    async (_case, path, why) => {
      await expect(readIdentityFile(path)).rejects.toMatchObject({
        code: 'IDENTITY_INVALID',
        message: `${path} is not an age identity file: ${why}`,
      });
    },
  );

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

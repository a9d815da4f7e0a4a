import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { loadConfig } from './loadConfig.js';

let dir: string;
const RECIPIENT = 'age1p5tsfr4g92vd6czekyjdlagl2tgyyrg7z45k2sjfuk7lkznza3js57d6s8';

beforeAll(async () => {
  dir = await tempFolder('notes-setting-file-');
  execFileSync('mkfifo', [join(dir, 'recipients.fifo')]);
  await writeFile(join(dir, 'huge.txt'), `${'#'.repeat(2 * 1024 * 1024)}\n${RECIPIENT}\n`);
  await writeFile(join(dir, 'good.txt'), `# the backup key\n${RECIPIENT}\n`);
});
afterAll(() => removeFolder(dir));

describe('BACKUP_ENCRYPT_RECIPIENTS_FILE: only a small regular file is read (the start never hangs or fills memory)', () => {
  it.each([
    ['a FIFO nobody writes into', 'recipients.fifo', 'is a FIFO, not a file'],
    ['/dev/zero (endless)', '/dev/zero', 'is a character device, not a file'],
    ['a directory', '.', 'is a directory, not a file'],
    ['a file of more than 1 MiB', 'huge.txt', 'bytes, more than 1048576'],
    ['a missing file', 'missing.txt', '(ENOENT)'],
  ])('refuses %s, naming the setting', (_case, name, why) => {
    const path = resolve(dir, name);

    expect(() => loadConfig({ BACKUP_ENCRYPT_RECIPIENTS_FILE: path })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^BACKUP_ENCRYPT_RECIPIENTS_FILE: /) }),
    );
    expect(() => loadConfig({ BACKUP_ENCRYPT_RECIPIENTS_FILE: path })).toThrow(why);
  });

  it('reads a file of recipients', () => {
    expect(loadConfig({ BACKUP_ENCRYPT_RECIPIENTS_FILE: join(dir, 'good.txt') }).encryptTo).toEqual([RECIPIENT]);
  });
});

import { BackupFolder } from '../folder/BackupFolder.js';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { formatBackupFileName } from './backupFileName.js';
import { BackupRotator } from './BackupRotator.js';
import { DEFAULT_RETENTION_POLICY } from './RetentionPolicy.js';

/** The rest of the rotator's tests are in BackupRotator.unit.test.ts; this one runs the real sha256sum (a child process). */
describe('BackupRotator and the real sha256sum', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(() => removeFolder(dir));

  it('leaves a SHA256SUMS in the folder and in archive/ that sha256sum -c accepts, each listing exactly its backups', async () => {
    const now = new Date('2026-11-26T20:00:00.000Z');
    const backups = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24'].map((day) =>
      formatBackupFileName('notes', new Date(`${day}T18:00:00Z`)),
    );
    const line = (file: string) => `${createHash('sha256').update(`-- ${file}\n`).digest('hex')}  ${file}\n`;
    for (const file of backups) await writeFile(join(dir, file), `-- ${file}\n`);
    await writeFile(join(dir, 'SHA256SUMS'), backups.map(line).join(''));
    await mkdir(join(dir, 'archive'));
    const policy = { ...DEFAULT_RETENTION_POLICY, keepLast: 2, keepWeeks: 0, keepMonths: 0 };

    await new BackupRotator({ folder: new BackupFolder(dir), policy, clock: () => now }).rotate();

    const sha256sum = (folder: string) => promisify(execFile)('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder });
    const ok = (files: string[]) => files.map((file) => `${file}: OK`);
    expect((await sha256sum(dir)).stdout.split('\n').filter(Boolean).sort()).toEqual(ok(backups.slice(3)));
    expect((await sha256sum(join(dir, 'archive'))).stdout.split('\n').filter(Boolean).sort()).toEqual(ok(backups.slice(0, 3)));
    expect(await namesIn(join(dir, 'archive'))).toEqual(backups.slice(0, 3));
  });
});

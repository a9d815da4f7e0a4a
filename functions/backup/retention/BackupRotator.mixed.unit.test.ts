import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRE_ARCHIVED, SERIES_NOW, sixteenMonthsOfBackups } from '../../../test/support/sixteenMonths.js';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { formatKeepReason } from '../BackupAnswer.js';
import { BackupFolder } from '../folder/BackupFolder.js';
import { parseBackupFileName } from './backupFileName.js';
import { BackupRotator } from './BackupRotator.js';
import { DEFAULT_RETENTION_POLICY } from './RetentionPolicy.js';

/** The day BACKUP_ENCRYPT_RECIPIENTS was set in this history: plain and gzip backups before it, `.age` ones after. */
const ENCRYPTED_FROM = new Date('2026-06-01T00:00:00Z');

/** The series' name of `file` with the extension it would have had with encryption and gzip as they were set then. */
function asWritten(file: string, index: number): string {
  const encrypted = parseBackupFileName(file)!.takenAt >= ENCRYPTED_FROM;
  const extension = [index % 2 === 0 ? '.sql' : '.sql.gz', encrypted ? '.age' : ''].join('');
  return file.replace(/\.sql$/, extension);
}

/** The plain name of any backup name: what the rules saw when every backup was plain. */
const plainName = (file: string) => file.replace(/\.sql(?:\.gz)?(?:\.age)?$/, '.sql');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A folder of the 16-month series and its pre-archived backups, named by `name`, each with its SHA256SUMS line. */
async function seriesFolder(dir: string, name: (file: string, index: number) => string): Promise<void> {
  const lines = (files: string[]) => files.map((file) => `${sha256(`-- ${file}\n`)}  ${file}\n`).join('');
  const main = sixteenMonthsOfBackups().map(name);
  const archived = [...PRE_ARCHIVED.expired, ...PRE_ARCHIVED.kept].map(name);
  await mkdir(join(dir, 'archive'));
  await Promise.all(main.map((file) => writeFile(join(dir, file), `-- ${file}\n`)));
  await Promise.all(archived.map((file) => writeFile(join(dir, 'archive', file), `-- ${file}\n`)));
  await writeFile(join(dir, 'SHA256SUMS'), lines(main));
  await writeFile(join(dir, 'archive', 'SHA256SUMS'), lines(archived));
}

describe('BackupRotator over a folder mixing plain, gzip and encrypted (.age) backups (the 16-month series)', () => {
  let plainDir: string;
  let mixedDir: string;
  beforeEach(async () => {
    plainDir = await tempFolder('ew-rotate-plain-');
    mixedDir = await tempFolder('ew-rotate-mixed-');
  });
  afterEach(async () => {
    await removeFolder(plainDir);
    await removeFolder(mixedDir);
  });

  const rotate = (dir: string) =>
    new BackupRotator({ folder: new BackupFolder(dir), policy: DEFAULT_RETENTION_POLICY, clock: () => SERIES_NOW }).rotate();

  it('rotates them as one history: the keep, archive and delete decisions (and reasons) of an all-plain folder', async () => {
    await seriesFolder(plainDir, (file) => file);
    await seriesFolder(mixedDir, asWritten);
    const mixedNames = await namesIn(mixedDir);
    // The history does mix: every kind is there before the rotation.
    for (const kind of [/\.sql$/, /\.sql\.gz$/, /\.sql\.age$/, /\.sql\.gz\.age$/]) expect(mixedNames.some((n) => kind.test(n))).toBe(true);

    const plain = await rotate(plainDir);
    const mixed = await rotate(mixedDir);

    const decisions = (result: typeof plain, name: (file: string) => string) => ({
      kept: result.kept.map(({ file, reasons }) => [name(file), reasons.map(formatKeepReason)]),
      archived: result.archived.map(name),
      deletedFromMain: result.deletedFromMain.map(name),
      deletedFromArchive: result.deletedFromArchive.map(name),
    });
    expect(decisions(mixed, plainName)).toEqual(decisions(plain, (file) => file));
    expect(mixed.kept.some(({ file }) => file.endsWith('.age'))).toBe(true);
    expect(mixed.archived.some((file) => file.endsWith('.age'))).toBe(true);
    expect(mixed.deletedFromMain.some((file) => !file.endsWith('.age'))).toBe(true);
    expect((await namesIn(mixedDir)).map(plainName).sort()).toEqual((await namesIn(plainDir)).sort());
    expect((await namesIn(join(mixedDir, 'archive'))).map(plainName).sort()).toEqual(await namesIn(join(plainDir, 'archive')));
  });

  it('moves each checksum with its backup, whatever its kind: each SHA256SUMS lists exactly its folder, each line its file', async () => {
    await seriesFolder(mixedDir, asWritten);

    await rotate(mixedDir);

    for (const folder of [mixedDir, join(mixedDir, 'archive')]) {
      const entries = (await readFile(join(folder, 'SHA256SUMS'), 'utf8')).split('\n').filter(Boolean);
      const listed = entries.map((entry) => entry.slice(66)).sort();
      expect(listed).toEqual((await namesIn(folder)).filter((name) => name !== 'archive'));
      for (const entry of entries) {
        const [, hash, file] = /^([0-9a-f]{64}) {2}(.+)$/.exec(entry) ?? [];
        expect(hash).toBe(sha256(await readFile(join(folder, file ?? ''), 'utf8')));
      }
    }
  });
});

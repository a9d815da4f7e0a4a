import { formatKeepReason } from '../BackupAnswer.js';
import { BackupFolder } from '../folder/BackupFolder.js';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPECTED_KEPT, PRE_ARCHIVED, SERIES_NOW, sixteenMonthsOfBackups } from '../../../test/support/sixteenMonths.js';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { formatBackupFileName } from './backupFileName.js';
import { BackupRotator } from './BackupRotator.js';
import { DEFAULT_RETENTION_POLICY } from './RetentionPolicy.js';

const b = (iso: string) => formatBackupFileName('notes', new Date(iso));
const NOW = SERIES_NOW;

/** Left alone by every rule: backups of 2024 named in May (not ours to judge here), a fresh partial, the archive, another file. */
const UNTOUCHED = [b('2024-05-05T00:00:00Z'), b('2024-05-06T00:00:00Z'), `${b('2026-11-26T19:30:00Z')}.partial`, 'archive', 'notes.txt'];

describe('BackupRotator on a real folder', () => {
  let dir: string;
  let outside: string;
  const rotator = () => new BackupRotator({ folder: new BackupFolder(dir), policy: DEFAULT_RETENTION_POLICY, clock: () => NOW });

  beforeEach(async () => {
    dir = await tempFolder();
    outside = await tempFolder();
    const all = sixteenMonthsOfBackups();
    await Promise.all(all.map((file) => writeFile(join(dir, file), `-- ${file}\n`)));
    await mkdir(join(dir, 'archive'));
    await Promise.all([...PRE_ARCHIVED.expired, ...PRE_ARCHIVED.kept].map((file) => writeFile(join(dir, 'archive', file), 'old\n')));
    // Things named like backups that are not backups: never followed, moved or deleted.
    await writeFile(join(outside, 'precious.sql'), 'not a backup\n');
    await symlink(join(outside, 'precious.sql'), join(dir, b('2024-05-05T00:00:00Z')));
    await mkdir(join(dir, b('2024-05-06T00:00:00Z')));
    await writeFile(join(dir, `${b('2024-05-07T00:00:00Z')}.partial`), 'left by a crash long ago\n');
    await writeFile(join(dir, `${b('2026-11-26T19:30:00Z')}.partial`), 'half an hour old: may still be written\n');
    await writeFile(join(dir, 'notes.txt'), 'hello\n');
  });

  afterEach(async () => {
    await removeFolder(dir);
    await removeFolder(outside);
  });

  it('leaves exactly the expected files in the folder and the archive', async () => {
    const all = sixteenMonthsOfBackups();
    const cutoff = b('2025-11-26T20:00:00.000Z');

    const result = await rotator().rotate();

    const untouched = [
      b('2024-05-05T00:00:00Z'),
      b('2024-05-06T00:00:00Z'),
      `${b('2026-11-26T19:30:00Z')}.partial`,
      'archive',
      'notes.txt',
    ];
    expect(await namesIn(dir)).toEqual([...EXPECTED_KEPT, ...untouched].sort());
    const archivedNow = all.filter((file) => !EXPECTED_KEPT.includes(file) && file >= cutoff);
    expect(await namesIn(join(dir, 'archive'))).toEqual([...archivedNow, ...PRE_ARCHIVED.kept].sort());
    expect(result.kept.map((k) => k.file).sort()).toEqual([...EXPECTED_KEPT].sort());
    expect(result.deletedFromMain).toEqual(
      all
        .filter((file) => file < cutoff)
        .sort()
        .reverse(),
    );
    expect(result.deletedFromArchive).toEqual(PRE_ARCHIVED.expired);
    expect(await readFile(join(outside, 'precious.sql'), 'utf8')).toBe('not a backup\n');
    expect(result.stalePartials).toEqual([`${b('2024-05-07T00:00:00Z')}.partial`]);
  });

  // The real `sha256sum -c` reads the files this writes in BackupRotator.test.ts (it is a child process).
  it('moves each checksum with its backup: both SHA256SUMS list exactly their folder, each line the hash of its file', async () => {
    const all = sixteenMonthsOfBackups();
    const cutoff = b('2025-11-26T20:00:00.000Z');
    const sum = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
    const line = (file: string, text: string) => `${sum(text)}  ${file}\n`;
    await writeFile(join(dir, 'SHA256SUMS'), all.map((file) => line(file, `-- ${file}\n`)).join(''));
    const preArchived = [...PRE_ARCHIVED.expired, ...PRE_ARCHIVED.kept];
    await writeFile(join(dir, 'archive', 'SHA256SUMS'), preArchived.map((file) => line(file, 'old\n')).join(''));

    await rotator().rotate();

    const listed = async (folder: string) =>
      (await readFile(join(folder, 'SHA256SUMS'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.slice(66));
    const archivedNow = all.filter((file) => !EXPECTED_KEPT.includes(file) && file >= cutoff);
    expect(await listed(dir)).toEqual([...EXPECTED_KEPT].sort());
    expect(await listed(join(dir, 'archive'))).toEqual([...archivedNow, ...PRE_ARCHIVED.kept].sort());
    // What `sha256sum -c` checks: every line is `<sha256>  <name>` and the file of that name has that hash.
    for (const folder of [dir, join(dir, 'archive')]) {
      for (const entry of (await readFile(join(folder, 'SHA256SUMS'), 'utf8')).split('\n').filter(Boolean)) {
        const [, hash, file] = /^([0-9a-f]{64}) {2}(.+)$/.exec(entry) ?? [];
        expect(hash).toBe(sum(await readFile(join(folder, file ?? ''))));
      }
    }
  });

  it('with BACKUP_KEEP_YEARS=3 keeps the last backup of 2024 in the folder although past the archive age, and the archive still loses its old ones', async () => {
    const lastOf2024 = b('2024-12-31T18:00:00Z');
    const earlierIn2024 = b('2024-03-01T18:00:00Z');
    await Promise.all([lastOf2024, earlierIn2024].map((file) => writeFile(join(dir, file), `-- ${file}\n`)));
    const yearly = () =>
      new BackupRotator({ folder: new BackupFolder(dir), policy: { ...DEFAULT_RETENTION_POLICY, keepYears: 3 }, clock: () => NOW });

    const result = await yearly().rotate();

    expect(await namesIn(dir)).toEqual([...EXPECTED_KEPT, lastOf2024, ...UNTOUCHED].sort());
    const reasons = (file: string) => result.kept.find((kept) => kept.file === file)?.reasons.map(formatKeepReason);
    expect([lastOf2024, b('2025-12-31T18:00:00Z'), b('2026-11-26T18:00:00Z')].map(reasons)).toEqual([
      ['year 2024'],
      ['month 2025-12', 'year 2025'],
      ['newest 5', 'week 2026-11-22', 'month 2026-11', 'year 2026'],
    ]);
    expect(result.deletedFromMain).toContain(earlierIn2024);
    expect(result.deletedFromArchive).toEqual(PRE_ARCHIVED.expired);
    const second = await yearly().rotate();
    expect([second.kept, second.archived, second.deletedFromMain, second.deletedFromArchive]).toEqual([result.kept, [], [], []]);
  });

  it('changes nothing on a second run with the same clock', async () => {
    await rotator().rotate();
    const before = { main: await namesIn(dir), archive: await namesIn(join(dir, 'archive')) };

    const second = await rotator().rotate();

    expect(second.archived).toEqual([]);
    expect(second.deletedFromMain).toEqual([]);
    expect(second.deletedFromArchive).toEqual([]);
    expect({ main: await namesIn(dir), archive: await namesIn(join(dir, 'archive')) }).toEqual(before);
  });

  it('plans without touching the disk (the dry run)', async () => {
    const before = { main: await namesIn(dir), archive: await namesIn(join(dir, 'archive')) };

    const plan = await rotator().plan();

    expect(plan.archived.length).toBeGreaterThan(300);
    expect({ main: await namesIn(dir), archive: await namesIn(join(dir, 'archive')) }).toEqual(before);
  });

  it('never overwrites a file of the same name in the archive', async () => {
    const clash = b('2026-06-15T18:00:00Z');
    await writeFile(join(dir, 'archive', clash), 'the archived copy\n');

    const result = await rotator().rotate();

    expect(result.skipped).toEqual([{ file: clash, cause: 'archive-name-taken' }]);
    expect(result.kept.map((k) => k.file)).not.toContain(clash);
    expect(result.archived).not.toContain(clash);
    expect(await readFile(join(dir, 'archive', clash), 'utf8')).toBe('the archived copy\n');
    expect(await readFile(join(dir, clash), 'utf8')).toBe(`-- ${clash}\n`);
  });

  it('refuses to rotate when archive is a symlink', async () => {
    await removeFolder(join(dir, 'archive'));
    await symlink(outside, join(dir, 'archive'));

    await expect(rotator().rotate()).rejects.toThrow(/not a folder/);
    expect(await namesIn(outside)).toEqual(['precious.sql']);
  });
});

import { BackupFolder } from '../../functions/backup/folder/BackupFolder.js';
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBackupFileName } from '../../functions/backup/retention/backupFileName.js';
import { BackupRotator } from '../../functions/backup/retention/BackupRotator.js';
import { DEFAULT_RETENTION_POLICY } from '../../functions/backup/retention/RetentionPolicy.js';
import { ROOT } from '../support/apiProcess.js';
import { seededRandom } from '../support/random.js';
import { namesIn, removeFolder, tempFolder } from '../support/tempFolder.js';

const NOW = '2026-11-26T20:00:00.000Z';

/** 500 backups over 20 months in the folder, 50 in the archive; each file's content is its own name. */
async function fillFolder(dir: string): Promise<string[]> {
  await mkdir(join(dir, 'archive'), { recursive: true });
  const span = 20 * 30 * 86_400_000;
  const main = Array.from({ length: 500 }, (_, i) => formatBackupFileName('notes', new Date(Date.parse(NOW) - (span * i) / 500)));
  const archived = Array.from({ length: 50 }, (_, i) => formatBackupFileName('notes', new Date(Date.parse(NOW) - span - i * 86_400_000)));
  await Promise.all([...main.map((f) => writeFile(join(dir, f), f)), ...archived.map((f) => writeFile(join(dir, 'archive', f), f))]);
  return [...main, ...archived.map((f) => `archive/${f}`)];
}

/** Runs a rotation in a child process (the built code) and SIGKILLs it after `delayMs`. */
function rotateAndKill(dir: string, delayMs: number): Promise<void> {
  const script = `
    const { BackupRotator } = await import(${JSON.stringify(join(ROOT, 'dist/functions/backup/retention/BackupRotator.js'))});
    const { DEFAULT_RETENTION_POLICY } = await import(${JSON.stringify(join(ROOT, 'dist/functions/backup/retention/RetentionPolicy.js'))});
    const { BackupFolder } = await import(${JSON.stringify(join(ROOT, 'dist/functions/backup/folder/BackupFolder.js'))});
    await new BackupRotator({ folder: new BackupFolder(${JSON.stringify(dir)}), policy: DEFAULT_RETENTION_POLICY, clock: () => new Date(${JSON.stringify(NOW)}) }).rotate();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  return new Promise((resolve) =>
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    }),
  );
}

describe('a rotation SIGKILLed at random points, 50 times', () => {
  it('never loses or truncates a backup, and the next run completes the work', async () => {
    const random = seededRandom(50);
    const rotator = (dir: string) =>
      new BackupRotator({ folder: new BackupFolder(dir), policy: DEFAULT_RETENTION_POLICY, clock: () => new Date(NOW) });
    for (let run = 0; run < 50; run++) {
      const dir = await tempFolder('notes-kill-');
      try {
        const originals = await fillFolder(dir);
        const plan = await rotator(dir).plan();
        const dueForDeletion = new Set([...plan.deletedFromMain, ...plan.deletedFromArchive]);

        await rotateAndKill(dir, 40 + Math.floor(random() * 160));

        const main = (await namesIn(dir)).filter((name) => name !== 'archive' && !name.startsWith('.'));
        const archive = await namesIn(join(dir, 'archive'));
        for (const path of originals) {
          const file = path.replace(/^archive\//, '');
          const where = main.includes(file) ? join(dir, file) : archive.includes(file) ? join(dir, 'archive', file) : undefined;
          if (!where) {
            expect(dueForDeletion.has(file)).toBe(true);
            continue;
          }
          expect(await readFile(where, 'utf8')).toBe(file);
        }
        expect([...main, ...archive].every((file) => originals.some((path) => path.endsWith(file)))).toBe(true);

        await rotator(dir).rotate();

        expect(await namesIn(dir)).toEqual([...plan.kept.map((k) => k.file), 'archive'].sort());
        const expectedArchive = originals
          .map((path) => path.replace(/^archive\//, ''))
          .filter((file) => !dueForDeletion.has(file) && !plan.kept.some((k) => k.file === file));
        expect(await namesIn(join(dir, 'archive'))).toEqual(expectedArchive.sort());
      } finally {
        await removeFolder(dir);
      }
    }
  });
});

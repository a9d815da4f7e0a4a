import { BackupFolder } from './BackupFolder.js';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { formatBackupFileName } from '../retention/backupFileName.js';
import { type Arrival, backupStartedSince } from './backupStartedSince.js';

const T = Date.parse('2026-11-27T12:00:00Z');
const SHA = 'a'.repeat(64);

/** One backup file, recorded by "the creator" (generation, real start) unless `recorded` is false. */
async function backup(
  dir: string,
  run: { database?: string; namedAtMs: number; generation: number; startedAtMs: number; recorded?: boolean; extension?: string },
) {
  const file = formatBackupFileName(run.database ?? 'notes', new Date(run.namedAtMs), run.extension);
  await writeFile(join(dir, file), '-- a backup\n');
  if (run.recorded !== false) {
    await new BackupFolder(dir).manifest.record(
      file,
      SHA,
      { rows: {}, largeObjects: 0 },
      {
        durationMs: 10,
        generation: run.generation,
        startedAtMs: run.startedAtMs,
      },
    );
  }
  return file;
}

describe('backupStartedSince: which backup may answer a request that waited (no clock trusted across processes)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(() => removeFolder(dir));

  it.each<[string, boolean, Parameters<typeof backup>[1], Arrival]>([
    ['a run of a later generation', true, { namedAtMs: T, generation: 8, startedAtMs: T }, { generation: 7 }],
    ['the run under way when it arrived (same generation)', false, { namedAtMs: T, generation: 7, startedAtMs: T }, { generation: 7 }],
    [
      'an older run named in the future by a process whose clock runs ahead',
      false,
      { namedAtMs: T + 20_000, generation: 6, startedAtMs: T + 20_000 },
      { generation: 7, atMs: T + 5_000 },
    ],
    [
      'the run its gateway queued it behind, begun after the gateway received it',
      true,
      { namedAtMs: T + 50, generation: 7, startedAtMs: T + 50 },
      { generation: 7, atMs: T },
    ],
    [
      'the run of its generation begun before the gateway received it',
      false,
      { namedAtMs: T - 50, generation: 7, startedAtMs: T - 50 },
      { generation: 7, atMs: T },
    ],
    [
      'a file named like a backup that the creator never recorded (planted, foreign)',
      false,
      { namedAtMs: T + 4_000, generation: 99, startedAtMs: T + 4_000, recorded: false },
      { generation: 7 },
    ],
    ["another database's backup", false, { database: 'shop', namedAtMs: T, generation: 8, startedAtMs: T }, { generation: 7 }],
  ])('%s: shared = %s', async (_what, shared, run, arrival) => {
    const file = await backup(dir, run);

    const found = await backupStartedSince(new BackupFolder(dir), 'notes', arrival);

    expect(found?.file).toBe(shared ? file : undefined);
    if (shared) expect(found).toMatchObject({ sha256: SHA, durationMs: 10 });
  });

  it.each([
    ['.sql', undefined],
    ['.sql.gz', undefined],
    ['.sql.age', true],
    ['.sql.gz.age', true],
  ])('a shared %s backup keeps its encryption in the answer: encrypted = %s', async (extension, encrypted) => {
    await backup(dir, { namedAtMs: T, generation: 8, startedAtMs: T, extension });

    const found = await backupStartedSince(new BackupFolder(dir), 'notes', { generation: 7 });

    expect(found?.file.endsWith(extension)).toBe(true);
    expect(found?.encrypted).toBe(encrypted);
  });

  it('a garbled generation file never makes old backups look new: it reads as "nothing is later"', async () => {
    const { BackupGeneration } = await import('./BackupGeneration.js');
    await writeFile(join(dir, '.db-backup-generation'), 'garbage');

    expect(await new BackupGeneration(dir).current()).toBe(Number.POSITIVE_INFINITY);
    expect(await new BackupGeneration(dir).next(41)).toBe(42);
  });
});

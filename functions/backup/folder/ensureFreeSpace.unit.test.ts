import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { formatBackupFileName } from '../retention/backupFileName.js';
import { ensureFreeSpace } from './ensureFreeSpace.js';

const MiB = 1024 * 1024;

describe('ensureFreeSpace sizes the next backup by the last one of its kind, encrypted or not', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder('ew-free-');
  });
  afterEach(() => removeFolder(dir));

  /** A sparse file of `bytes` named as a backup of notes with this extension. */
  const backup = async (extension: string, bytes: number, iso = '2026-11-26T18:00:00Z') => {
    const file = await open(join(dir, formatBackupFileName('notes', new Date(iso), extension)), 'w');
    await file.truncate(bytes);
    await file.close();
  };

  it.each([
    // The first encrypted backup after plain ones is about as large as they were.
    ['.sql.age after a 100 MiB .sql', [['.sql', 100 * MiB]], '.sql.age', 'refused'],
    ['.sql after a 100 MiB .sql.age', [['.sql.age', 100 * MiB]], '.sql', 'refused'],
    ['.sql.gz.age after a 100 MiB .sql.gz', [['.sql.gz', 100 * MiB]], '.sql.gz.age', 'refused'],
    // Another kind says nothing of this one's size.
    ['.sql.gz.age after a 100 MiB .sql', [['.sql', 100 * MiB]], '.sql.gz.age', 'allowed'],
    ['.sql.age after a 100 MiB .sql.gz.age', [['.sql.gz.age', 100 * MiB]], '.sql.age', 'allowed'],
  ] as const)('%s with 50 MiB free: %s', async (_case, existing, extension, expected) => {
    for (const [kind, bytes] of existing) await backup(kind, bytes);

    const outcome = await ensureFreeSpace(dir, 'notes', extension, async () => 50 * MiB).then(
      () => 'allowed',
      (error: { code?: string }) => (error.code === 'INSUFFICIENT_STORAGE' ? 'refused' : `failed: ${String(error)}`),
    );

    expect(outcome).toBe(expected);
  });
});

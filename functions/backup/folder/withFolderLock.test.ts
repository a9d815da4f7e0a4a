import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { BackupInProgressError } from '../errors.js';
import { LOCK_NAME, withFolderLock } from './withFolderLock.js';

describe('withFolderLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(() => removeFolder(dir));

  it('runs the work and releases the lock', async () => {
    const result = await withFolderLock(dir, async () => namesIn(dir));

    expect(result).toEqual([LOCK_NAME]);
    expect(await namesIn(dir)).toEqual([]);
  });

  it('refuses at once while another holder refreshes the lock (another process sharing the folder)', async () => {
    await mkdir(join(dir, LOCK_NAME));
    let ran = false;

    const attempt = withFolderLock(dir, async () => {
      ran = true;
    });

    await expect(attempt).rejects.toThrow(BackupInProgressError);
    expect(ran).toBe(false);
  });

  it('takes over a lock whose holder stopped refreshing it (a crashed process)', async () => {
    await mkdir(join(dir, LOCK_NAME));
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(join(dir, LOCK_NAME), aMinuteAgo, aMinuteAgo);

    const warnings: string[] = [];
    const logger = { info() {}, error() {}, warn: (event: string) => warnings.push(event) };

    const result = await withFolderLock(dir, async () => 'done', { logger });

    expect(result).toBe('done');
    expect(warnings).toEqual(['lock.stale_taken_over']);
    expect(await namesIn(dir)).toEqual([]);
  });

  it('releases the lock when the work fails', async () => {
    await expect(withFolderLock(dir, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await namesIn(dir)).toEqual([]);
  });
});

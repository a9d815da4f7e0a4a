import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { BackupInProgressError } from '../errors.js';
import { LOCK_NAME, LockLostError, withFolderLock } from './withFolderLock.js';

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

    const result = await withFolderLock(dir, async () => 'done', { logger, staleMs: 2_000 });

    expect(result).toBe('done');
    expect(warnings).toEqual(['lock.stale_taken_over']);
    expect(await namesIn(dir)).toEqual([]);
  });

  // Another container sharing the volume stamps the lock with its own clock, which may differ from ours.
  it.each([
    ['an hour behind ours, still refreshed', -3_600_000, true, 'refuses (its holder lives)'],
    ['an hour ahead of ours, still refreshed', 3_600_000, true, 'refuses (its holder lives)'],
    ['an hour ahead of ours, no longer refreshed', 3_600_000, false, 'takes it over (its holder died)'],
  ])('judges a lock stamped by a clock %s by its refreshes, and %s', async (_clock, offsetMs, refreshed, _outcome) => {
    const lock = join(dir, LOCK_NAME);
    await mkdir(lock);
    const stamp = () => {
      const holderNow = new Date(Date.now() + offsetMs);
      return utimes(lock, holderNow, holderNow).catch(() => undefined);
    };
    await stamp();
    const holder = refreshed ? setInterval(stamp, 300) : undefined;
    try {
      const attempt = withFolderLock(dir, async () => 'ran', { staleMs: 2_000 });

      if (refreshed) await expect(attempt).rejects.toThrow(BackupInProgressError);
      else await expect(attempt).resolves.toBe('ran');
    } finally {
      clearInterval(holder);
    }
  });

  it('aborts the work with LockLostError when another process takes the lock over while it runs', async () => {
    const reason = await withFolderLock(
      dir,
      async (lockLost) => {
        // What a takeover does to the holder's lock: it is removed and made anew by someone else.
        // (Its new holder stamps it with its own time: clearly not ours, whatever the mtime precision.)
        await rm(join(dir, LOCK_NAME), { recursive: true });
        await mkdir(join(dir, LOCK_NAME));
        const theirs = new Date(Date.now() + 60_000);
        await utimes(join(dir, LOCK_NAME), theirs, theirs);
        return new Promise((resolve) => {
          lockLost.addEventListener('abort', () => resolve(lockLost.reason));
          setTimeout(() => resolve('never aborted'), 20_000);
        });
      },
      { staleMs: 2_000 },
    );

    expect(reason).toBeInstanceOf(LockLostError);
  });

  it('releases the lock when the work fails', async () => {
    await expect(withFolderLock(dir, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await namesIn(dir)).toEqual([]);
  });
});

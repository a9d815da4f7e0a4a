import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { waitUntil } from '../../../test/support/waitUntil.js';
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

  it('takes over a lock whose holder stopped refreshing it (a crashed process), after watching it for longer than a refresh interval', async () => {
    await mkdir(join(dir, LOCK_NAME));
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(join(dir, LOCK_NAME), aMinuteAgo, aMinuteAgo);
    const warnings: string[] = [];
    const logger = { info() {}, error() {}, warn: (event: string) => warnings.push(event) };
    const watched: number[] = [];

    const result = await withFolderLock(dir, async () => 'done', { logger, staleMs: 2_000, sleep: async (ms) => void watched.push(ms) });

    expect(result).toBe('done');
    expect(warnings).toEqual(['lock.stale_taken_over']);
    expect(await namesIn(dir)).toEqual([]);
    // A live holder refreshes every staleMs / 2: the watch must span one refresh.
    expect(watched).toHaveLength(1);
    expect(watched[0]).toBeGreaterThan(2_000 / 2);
  });

  // Another container sharing the volume stamps the lock with its own clock, which may differ from ours.
  // The watch (the injected sleep) is where a live holder's refresh lands; a dead holder's lock stays as it was.
  it.each([
    ['an hour behind ours, still refreshed', 'refuses (its holder lives)', -3_600_000, true],
    ['an hour ahead of ours, still refreshed', 'refuses (its holder lives)', 3_600_000, true],
    ['an hour ahead of ours, no longer refreshed', 'takes it over (its holder died)', 3_600_000, false],
  ])('judges a lock stamped by a clock %s by its refreshes, and %s', async (_clock, _outcome, offsetMs, refreshed) => {
    const lock = join(dir, LOCK_NAME);
    await mkdir(lock);
    const holderStarted = Date.now() + offsetMs;
    const stamp = (refreshes: number) => {
      const holderNow = new Date(holderStarted + refreshes * 1_000);
      return utimes(lock, holderNow, holderNow);
    };
    await stamp(0);
    let watches = 0;
    const watch = async () => {
      watches += 1;
      if (refreshed) await stamp(1);
    };

    const attempt = withFolderLock(dir, async () => 'ran', { staleMs: 2_000, sleep: watch });

    if (refreshed) await expect(attempt).rejects.toThrow(BackupInProgressError);
    else await expect(attempt).resolves.toBe('ran');
    expect(watches).toBe(1);
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
        // proper-lockfile notices at its next refresh (staleMs / 2).
        await waitUntil(() => lockLost.aborted, 'the work was told the lock was lost');
        return lockLost.reason;
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

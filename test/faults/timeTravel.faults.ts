import { BackupFolder } from '../../functions/backup/folder/BackupFolder.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../support/random.js';
import { namesIn, removeFolder, tempFolder } from '../support/tempFolder.js';
import { restEvent, lambdaContext } from '../support/events.js';
import { silentLogger } from '../../functions/log/Logger.js';
import { createDbBackupHandler } from '../../functions/db-backup/handler.js';
import { parseBackupFileName } from '../../functions/backup/retention/backupFileName.js';
import { BackupCreator } from '../../functions/backup/dump/BackupCreator.js';
import { BackupRotator } from '../../functions/backup/retention/BackupRotator.js';
import { BackupService } from '../../functions/backup/BackupService.js';
import type { DumpSource } from '../../functions/backup/dump/DumpSource.js';
import { DEFAULT_RETENTION_POLICY } from '../../functions/backup/retention/RetentionPolicy.js';

dayjs.extend(utc);
dayjs.extend(timezone);

const ZONE = 'Europe/Berlin';

/** Stand-in dump source: writes a tiny complete dump at once (400 days of real pg_dump runs would take minutes; the rules are what is tested). */
const tinyDump: DumpSource = {
  prepare: async () => ({ database: 'notes' }),
  dumpTo: async (target) => {
    const dump = 'select 1;\n-- PostgreSQL database dump complete\n';
    if (typeof target === 'number') writeFileSync(target, dump);
    else target.end(dump);
  },
};

/**
 * An oracle written apart from planRotation (no shared code): which of `times` the rules keep at `now`,
 * computed naively with dayjs in the zone.
 */
function expectedKept(times: number[], now: Date): Set<number> {
  const newestFirst = [...times].sort((a, b) => b - a);
  const kept = new Set(newestFirst.slice(0, 5));
  const local = dayjs(now).tz(ZONE);
  for (let week = 0; week < 4; week++) {
    const start = local.startOf('day').subtract(local.day() + 7 * week, 'day');
    const end = start.add(7, 'day');
    const newest = newestFirst.find((t) => t >= start.valueOf() && t < end.valueOf());
    if (newest !== undefined) kept.add(newest);
  }
  for (let month = 0; month < 12; month++) {
    const start = local.startOf('month').subtract(month, 'month');
    const end = start.add(1, 'month');
    const newest = newestFirst.find((t) => t >= start.valueOf() && t < end.valueOf());
    if (newest !== undefined) kept.add(newest);
  }
  return kept;
}

describe('400 simulated days of leaving the app, through the real handler with an injected clock', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempFolder('notes-time-travel-');
  });
  afterAll(() => removeFolder(dir));

  it('keeps the folder and the archive exactly as the rules say after every day', async () => {
    let now = new Date('2026-01-01T07:00:00Z');
    const clock = () => now;
    const policy = { ...DEFAULT_RETENTION_POLICY, timeZone: ZONE };
    const folder = new BackupFolder(dir, { clock });
    const service = new BackupService({
      folder,
      creator: new BackupCreator({ folder, source: tinyDump, clock, freeSpace: async () => Number.MAX_SAFE_INTEGER }),
      rotator: new BackupRotator({ folder, policy, clock }),
      clock,
    });
    const handler = createDbBackupHandler({ service: () => service, logger: silentLogger });
    const random = seededRandom(400);
    const times = (names: string[]) =>
      names.map((name) => parseBackupFileName(name)?.takenAt.getTime()).filter((t): t is number => t !== undefined);
    let mostInMain = 0;

    for (let day = 0; day < 400; day++) {
      const exits = 1 + Math.floor(random() * 3);
      for (let exit = 0; exit < exits; exit++) {
        now = new Date(Date.UTC(2026, 0, 1 + day, 6 + exit * 5, Math.floor(random() * 60), Math.floor(random() * 60)));
        const before = [...times(await namesIn(dir)), ...times(await namesIn(join(dir, 'archive')))];
        const beforeMain = times(await namesIn(dir));

        const response = await handler(restEvent('POST', '/db-backup') as never, lambdaContext());

        expect(response.statusCode).toBe(201);
        const created = parseBackupFileName(JSON.parse(response.body).backup.file)!.takenAt.getTime();
        const kept = expectedKept(beforeMain, now);
        const cutoff = dayjs(now).tz(ZONE).subtract(12, 'month').valueOf();
        const main = times(await namesIn(dir)).sort();
        const archive = times(await namesIn(join(dir, 'archive'))).sort();
        expect(main).toEqual([...kept, created].sort());
        expect(archive).toEqual(before.filter((t) => !kept.has(t) && t >= cutoff).sort());
        expect(archive.every((t) => t >= cutoff)).toBe(true);
        mostInMain = Math.max(mostInMain, main.length);
      }
    }
    expect(mostInMain).toBeLessThanOrEqual(5 + 4 + 12 + 1);
    // About 40 s on an idle machine; a limit that also holds on 2 cores shared with other work.
  }, 600_000);
});

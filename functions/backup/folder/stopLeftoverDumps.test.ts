import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { stopLeftoverDumps } from './stopLeftoverDumps.js';

describe("stopLeftoverDumps (after taking over a dead holder's lock)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(() => removeFolder(dir));

  it('stops a process still writing a partial backup of the folder (an orphaned pg_dump: a stand-in that sleeps) and removes the file', async () => {
    const partial = 'notes_2026-11-26T19-27-52.123Z.sql.partial';
    const handle = await open(join(dir, partial), 'wx');
    const orphan = spawn('sleep', ['60'], { stdio: ['ignore', handle.fd, 'ignore'], detached: true });
    await handle.close();
    const ended = new Promise<string | null>((resolve) => orphan.on('exit', (_code, signal) => resolve(signal)));
    await writeFile(join(dir, 'notes_2026-11-25T00-00-00.000Z.sql'), '-- a finished backup\n');
    await writeFile(join(dir, 'unrelated.partial'), 'not a backup\n');

    const result = await stopLeftoverDumps(dir);

    expect(result).toEqual({ removed: [partial], stopped: [orphan.pid] });
    expect(await ended).toBe('SIGKILL');
    expect(await namesIn(dir)).toEqual(['notes_2026-11-25T00-00-00.000Z.sql', 'unrelated.partial']);
  });
});

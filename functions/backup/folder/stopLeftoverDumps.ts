import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { parseBackupFileName } from '../retention/backupFileName.js';
import { regularFilesIn } from './folderFiles.js';

const PARTIAL = '.partial';

/**
 * Cleans up after a lock holder that died mid-dump (called only by whoever took its stale lock, so no
 * live backup can be writing): stops any process on this machine still writing a `.partial` backup
 * file of `dir` (an orphaned pg_dump where the parent-death signal was not available; found through
 * /proc, where there is one), then removes those files. Returns the files removed and the pids stopped.
 */
export async function stopLeftoverDumps(dir: string): Promise<{ removed: string[]; stopped: number[] }> {
  const partials = (await regularFilesIn(dir)).filter(
    (file) => file.endsWith(PARTIAL) && parseBackupFileName(file.slice(0, -PARTIAL.length)),
  );
  const paths = new Set(partials.map((file) => join(dir, file)));
  const stopped: number[] = [];
  for (const pid of paths.size > 0 ? await processes() : []) {
    const writes = await fs.readlink(`/proc/${pid}/fd/1`).catch(() => undefined);
    if (writes !== undefined && paths.has(writes)) {
      try {
        process.kill(pid, 'SIGKILL');
        stopped.push(pid);
      } catch {
        // It ended in the meantime.
      }
    }
  }
  for (const path of paths) await fs.rm(path, { force: true });
  return { removed: partials, stopped };
}

async function processes(): Promise<number[]> {
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  return entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
}

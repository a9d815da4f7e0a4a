import { execFile } from 'node:child_process';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/apiProcess.js';

/**
 * Copies into `dest` (emptied first) what `git clone` of this checkout gives a new user: the tracked
 * files and the new ones git does not ignore, as they are in the working tree (so uncommitted work is
 * tested as it will be committed), with their modes. No api/, .data/, node_modules/ or dist/.
 * Returns the copied paths, sorted.
 */
export async function freshClone(dest: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  await rm(dest, { recursive: true, force: true });
  const copied: string[] = [];
  for (const path of new Set(stdout.split('\0').filter(Boolean))) {
    await mkdir(dirname(join(dest, path)), { recursive: true });
    // A tracked file deleted in the working tree is not part of the next commit either.
    const done = await copyFile(join(ROOT, path), join(dest, path)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    if (done) copied.push(path);
  }
  return copied.sort();
}

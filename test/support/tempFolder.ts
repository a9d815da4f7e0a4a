import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system temp folder; remove it with `removeFolder`. */
export function tempFolder(prefix = 'notes-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeFolder(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Sorted names in `dir` ([] when missing). */
export async function namesIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

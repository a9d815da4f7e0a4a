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

/**
 * Sorted names in `dir` ([] when missing), without the bookkeeping files every backup run leaves
 * (`.db-backup-status-<database>.json`, `.db-backup-databases.json`, the manifest's `SHA256SUMS` and
 * `.db-backup-contents.json`: checked by their own tests): what a user would call the folder's files.
 */
export async function namesIn(dir: string): Promise<string[]> {
  const bookkeeping = (name: string) =>
    ['.db-backup-databases.json', '.db-backup-contents.json', '.db-backup-generation', 'SHA256SUMS'].includes(name) ||
    /^\.db-backup-status-.+\.json$/.test(name);
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => !bookkeeping(name)).sort();
}

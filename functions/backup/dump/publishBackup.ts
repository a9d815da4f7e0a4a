import * as fs from 'node:fs/promises';
import { DumpFailedError } from '../errors.js';
import { pathExists } from '../folder/folderFiles.js';

/** Renames a whole `.partial` file to its backup name without overwriting: the caller holds the folder lock, so checking first is enough. */
export async function publishBackup(partialPath: string, path: string): Promise<void> {
  if (await pathExists(path)) throw new DumpFailedError(`${path} appeared while the backup was written; not overwriting it`);
  await fs.rename(partialPath, path);
}

import * as fs from 'node:fs/promises';
import type { BackupFolder } from './BackupFolder.js';
import type { ManifestEntry } from './BackupManifest.js';
import { backupsOf } from './backupsOf.js';

/** The newest backup of a database, with its manifest entry and, when it is a name of a file another name of which failed verify, that name. */
export type NewestBackup = { file: string; sameFileFailed?: string } & ManifestEntry;

/**
 * The newest backup of `database` in the folder itself (not its archive) by its name, with its manifest
 * entry; undefined when none. Backups made from one another are names of one file: when another name
 * of the newest one's file (in the folder or the archive) failed its last `verify`, `sameFileFailed`
 * names it, as that content failed whatever name it was verified under.
 */
export async function newestBackupOf(folder: BackupFolder, database: string): Promise<NewestBackup | undefined> {
  const newest = (await backupsOf(folder, database)).at(-1);
  if (!newest) return undefined;
  const entry = await folder.manifest.entry(newest.file);
  if (entry.verified?.ok === false) return { file: newest.file, ...entry };
  const failed = Object.entries(await folder.manifest.verifications()).filter(([file, verified]) => !verified.ok && file !== newest.file);
  if (failed.length === 0) return { file: newest.file, ...entry };
  const itself = await fs.stat(folder.path(newest.file));
  for (const [file] of failed) {
    for (const path of [folder.path(file), folder.archivedPath(file)]) {
      const other = await fs.stat(path).catch(() => undefined);
      if (other && other.dev === itself.dev && other.ino === itself.ino) return { file: newest.file, ...entry, sameFileFailed: file };
    }
  }
  return { file: newest.file, ...entry };
}

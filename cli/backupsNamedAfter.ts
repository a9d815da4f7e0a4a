import type { BackupFolder } from '../functions/backup/folder/BackupFolder.js';
import { regularFilesIn } from '../functions/backup/folder/folderFiles.js';
import { backupPrefix, parseBackupFileName } from '../functions/backup/retention/backupFileName.js';

/**
 * The backups of `database` in the folder named after `until`: those `--latest` passes over as
 * future-dated, newest first. A command that picks the latest says so when there are any, so that a
 * clock running behind never silently restores older data. Reads the folder's names only.
 */
export async function backupsNamedAfter(folder: BackupFolder, database: string, until: number): Promise<string[]> {
  const prefix = backupPrefix(database);
  return (await regularFilesIn(folder.dir))
    .flatMap((name) => {
      const parsed = parseBackupFileName(name);
      return parsed && parsed.database === prefix && parsed.takenAt.getTime() > until ? [{ name, at: parsed.takenAt.getTime() }] : [];
    })
    .sort((a, b) => b.at - a.at)
    .map(({ name }) => name);
}

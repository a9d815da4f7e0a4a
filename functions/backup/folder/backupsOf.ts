import { type BackupFileName, backupPrefix, parseBackupFileName } from '../retention/backupFileName.js';
import type { BackupFolder } from './BackupFolder.js';
import { regularFilesIn } from './folderFiles.js';

/** The backups of `database` in the folder itself (not its archive), by their names, oldest first. */
export async function backupsOf(folder: BackupFolder, database: string): Promise<BackupFileName[]> {
  const prefix = backupPrefix(database);
  return (await regularFilesIn(folder.dir))
    .flatMap((name) => {
      const parsed = parseBackupFileName(name);
      return parsed && parsed.database === prefix ? [parsed] : [];
    })
    .sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
}

import { backupPrefix, parseBackupFileName } from '../retention/backupFileName.js';
import type { BackupFolder } from './BackupFolder.js';
import type { ManifestEntry } from './BackupManifest.js';
import { regularFilesIn } from './folderFiles.js';

/** The newest backup of `database` in the folder itself (not its archive) by its name, with its manifest entry; undefined when none. */
export async function newestBackupOf(folder: BackupFolder, database: string): Promise<({ file: string } & ManifestEntry) | undefined> {
  const prefix = backupPrefix(database);
  const newest = (await regularFilesIn(folder.dir))
    .map((name) => parseBackupFileName(name))
    .filter((parsed) => parsed !== undefined && parsed.database === prefix)
    .sort((a, b) => b!.takenAt.getTime() - a!.takenAt.getTime())[0];
  return newest && { file: newest.file, ...(await folder.manifest.entry(newest.file)) };
}

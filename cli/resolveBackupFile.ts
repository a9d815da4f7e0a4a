import { existsSync } from 'node:fs';
import { BackupFolder } from '../functions/backup/folder/BackupFolder.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { UsageError } from './UsageError.js';

/** A path to a backup file, or a backup's name (`archive/<name>` too, as listings print it) looked up in the folder, then in its archive. */
export function resolveBackupFile(file: string, folder: BackupFolder): string {
  if (existsSync(file)) return file;
  const archived = BackupFolder.fromArchivedName(file);
  if (archived && !archived.includes('/') && parseBackupFileName(archived) && existsSync(folder.archivedPath(archived))) {
    return folder.archivedPath(archived);
  }
  if (!file.includes('/') && parseBackupFileName(file)) {
    for (const candidate of [folder.path(file), folder.archivedPath(file)]) if (existsSync(candidate)) return candidate;
  }
  throw new UsageError(`no backup ${file} (give a path, or a backup's name in ${folder.dir} or its archive)`);
}

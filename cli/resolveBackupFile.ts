import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHIVE_FOLDER } from '../functions/backup/retention/BackupRotator.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { UsageError } from './UsageError.js';

/** A path to a backup file, or a backup's name (`archive/<name>` too, as listings print it) looked up in the folder, then in its archive. */
export function resolveBackupFile(file: string, backupDir: string): string {
  if (existsSync(file)) return file;
  const archived = file.startsWith(`${ARCHIVE_FOLDER}/`) ? file.slice(ARCHIVE_FOLDER.length + 1) : undefined;
  if (archived && !archived.includes('/') && parseBackupFileName(archived) && existsSync(join(backupDir, ARCHIVE_FOLDER, archived))) {
    return join(backupDir, ARCHIVE_FOLDER, archived);
  }
  if (!file.includes('/') && parseBackupFileName(file)) {
    for (const candidate of [join(backupDir, file), join(backupDir, ARCHIVE_FOLDER, file)]) if (existsSync(candidate)) return candidate;
  }
  throw new UsageError(`no backup ${file} (give a path, or a backup's name in ${backupDir} or its archive)`);
}

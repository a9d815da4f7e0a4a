import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { DumpFailedError } from '../errors.js';
import { pathExists } from '../folder/folderFiles.js';
import { formatBackupFileName } from '../retention/backupFileName.js';

/**
 * Opens `<name>.partial` in `dir` exclusively (created with `fileMode`), the name the backup of
 * `database` begun at `startedAt` gets, moving on by a millisecond while that name or its partial file
 * exists. The caller writes it, and renames it to its name once it is whole.
 */
export async function openPartialBackup(
  dir: string,
  { database, startedAt, extension, fileMode }: { database: string; startedAt: Date; extension: string; fileMode: number },
): Promise<{ file: string; partialPath: string; handle: fs.FileHandle }> {
  for (let offset = 0; offset < 1000; offset++) {
    const file = formatBackupFileName(database, new Date(startedAt.getTime() + offset), extension);
    const partialPath = join(dir, `${file}.partial`);
    if (await pathExists(join(dir, file))) continue;
    try {
      const handle = await fs.open(partialPath, 'wx+', 0o600);
      // An explicit chmod: the umask would narrow a wider BACKUP_FILE_MODE such as 0640.
      if (fileMode !== 0o600) await handle.chmod(fileMode);
      return { file, partialPath, handle };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new DumpFailedError(`no free backup name near ${startedAt.toISOString()} in ${dir}`);
}

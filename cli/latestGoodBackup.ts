import type { BackupFolder } from '../functions/backup/folder/BackupFolder.js';
import type { BackupManifest } from '../functions/backup/folder/BackupManifest.js';
import { regularFilesIn } from '../functions/backup/folder/folderFiles.js';
import { backupPrefix, parseBackupFileName } from '../functions/backup/retention/backupFileName.js';

/**
 * The newest backup of `database` in the folder that is not known bad (its last verification did not
 * fail; with `skipKnownBad: false`, whatever its verification said), named no later than `until` (a name written while a clock ran ahead is never "the newest").
 * Undefined when there is none.
 */
export async function latestGoodBackup(
  folder: BackupFolder,
  database: string,
  until: number,
  options: { skipKnownBad?: boolean } = {},
): Promise<string | undefined> {
  const { dir, manifest } = folder;
  const prefix = backupPrefix(database);
  const verifications = await manifest.verifications().catch(() => ({}) as Awaited<ReturnType<BackupManifest['verifications']>>);
  const candidates = (await regularFilesIn(dir))
    .flatMap((name) => {
      const parsed = parseBackupFileName(name);
      return parsed && parsed.database === prefix && parsed.takenAt.getTime() <= until ? [{ name, at: parsed.takenAt.getTime() }] : [];
    })
    .filter(({ name }) => options.skipKnownBad === false || verifications[name]?.ok !== false)
    .sort((a, b) => b.at - a.at);
  return candidates[0] ? folder.path(candidates[0].name) : undefined;
}

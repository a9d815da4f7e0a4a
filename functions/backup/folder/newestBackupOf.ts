import { backupPrefix, parseBackupFileName } from '../retention/backupFileName.js';
import type { BackupFolder } from './BackupFolder.js';
import type { ManifestEntry, Verification } from './BackupManifest.js';
import { regularFilesIn } from './folderFiles.js';

/**
 * The newest backup of `database` in the folder itself (not its archive) by its name, with its manifest
 * entry; undefined when none. Its `verified` is the latest verification of its content under any name
 * with the same checksum: a backup made from another shares its file, so a failed verify of either
 * name found damage in both.
 */
export async function newestBackupOf(folder: BackupFolder, database: string): Promise<({ file: string } & ManifestEntry) | undefined> {
  const prefix = backupPrefix(database);
  const newest = (await regularFilesIn(folder.dir))
    .map((name) => parseBackupFileName(name))
    .filter((parsed) => parsed !== undefined && parsed.database === prefix)
    .sort((a, b) => b!.takenAt.getTime() - a!.takenAt.getTime())[0];
  if (!newest) return undefined;
  const entry = await folder.manifest.entry(newest.file);
  const verified = await latestVerificationOfContent(folder, entry.sha256);
  return { file: newest.file, ...entry, ...(verified ? { verified } : {}) };
}

async function latestVerificationOfContent(folder: BackupFolder, sha256: string | undefined): Promise<Verification | undefined> {
  if (!sha256) return undefined;
  let latest: Verification | undefined;
  for (const [file, verified] of Object.entries(await folder.manifest.verifications())) {
    if ((await folder.manifest.entry(file)).sha256 !== sha256) continue;
    if (!latest || verified.at > latest.at) latest = verified;
  }
  return latest;
}

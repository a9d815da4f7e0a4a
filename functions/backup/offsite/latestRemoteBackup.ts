import type { ListedRemoteBackup } from './remoteBackups.js';

/**
 * The newest backup of the database whose backups are named `prefix` (its `backupPrefix`) that has its
 * record, in the folder or the archive, named no later than `until` (a name written while a clock ran
 * ahead is never "the newest"). A copy without a record is skipped: its upload may not have finished
 * checking, and nothing says what its sha256 should be. Pure; undefined when there is none.
 */
export function latestRemoteBackup(backups: readonly ListedRemoteBackup[], prefix: string, until: number): ListedRemoteBackup | undefined {
  return backups
    .filter((backup) => backup.database === prefix && backup.recorded && backup.takenAt.getTime() <= until)
    .reduce<ListedRemoteBackup | undefined>((newest, backup) => (newest && newest.takenAt >= backup.takenAt ? newest : backup), undefined);
}

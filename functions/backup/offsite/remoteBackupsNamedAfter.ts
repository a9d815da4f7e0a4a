import type { ListedRemoteBackup } from './remoteBackups.js';

/**
 * The backups with a record, of the database whose backups are named `prefix` (of any database when
 * undefined), named after `until`: those `--latest` passes over as future-dated, newest first (as
 * listed). A command that picks the latest says so when there are any, so that a clock running behind
 * never silently restores older data. Pure.
 */
export function remoteBackupsNamedAfter(
  backups: readonly ListedRemoteBackup[],
  prefix: string | undefined,
  until: number,
): ListedRemoteBackup[] {
  return backups.filter(
    (backup) => (prefix === undefined || backup.database === prefix) && backup.recorded && backup.takenAt.getTime() > until,
  );
}

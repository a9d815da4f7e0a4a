import { parseBackupFileName } from '../retention/backupFileName.js';
import type { BucketListing, RemoteBackup } from './BackupBucket.js';

/** A backup object of the bucket with what its name and the listing say about it. */
export interface ListedRemoteBackup extends RemoteBackup {
  /** Beside the other backups under the prefix, or in its `archive/`. */
  place: 'folder' | 'archive';
  /** The database part of its name (the database's `backupPrefix`). */
  database: string;
  takenAt: Date;
  /** Its record (`records/<file>.json`) exists: the copy was whole and its sha256 is known. */
  recorded: boolean;
}

/** The bucket's backups and archived backups in one list, newest first by the instant in their names; pure. */
export function remoteBackups(listing: BucketListing): ListedRemoteBackup[] {
  const described = (place: ListedRemoteBackup['place']) => (backup: RemoteBackup) => {
    // The listing only sorts valid backup names into these lists.
    const name = parseBackupFileName(backup.file)!;
    return { ...backup, place, database: name.database, takenAt: name.takenAt, recorded: listing.records.has(backup.file) };
  };
  return [...listing.backups.map(described('folder')), ...listing.archived.map(described('archive'))].sort(
    (a, b) => b.takenAt.getTime() - a.takenAt.getTime() || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0),
  );
}

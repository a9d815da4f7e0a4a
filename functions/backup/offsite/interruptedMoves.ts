import type { RotationPlan } from '../retention/planRotation.js';
import type { BucketListing, RemoteBackup } from './BackupBucket.js';

/**
 * The backups the plan skips because `archive/` holds their name, whose archived object is this
 * one's own server-side copy: an archive move that stopped between the copy and the delete. Pure.
 * A copy has the same size, and the same ETag, except that the copy of a multipart upload gets the
 * whole object's MD5 instead of the `-<parts>` ETag (so for those the size alone must agree).
 * Anything else of that name in the archive is another object: the backup stays where it is.
 */
export function interruptedMoves(listing: Pick<BucketListing, 'backups' | 'archived'>, plan: Pick<RotationPlan, 'skipped'>): string[] {
  const byFile = (objects: RemoteBackup[]) => new Map(objects.map((object) => [object.file, object]));
  const inFolder = byFile(listing.backups);
  const inArchive = byFile(listing.archived);
  return plan.skipped
    .map(({ file }) => file)
    .filter((file) => {
      const original = inFolder.get(file);
      const copy = inArchive.get(file);
      if (!original || !copy || original.bytes !== copy.bytes) return false;
      return original.etag === copy.etag || /-\d+$/.test(original.etag ?? '');
    });
}

import type { RotationPlan } from '../retention/planRotation.js';
import type { BucketListing } from './BackupBucket.js';

/**
 * The backups the plan skips because `archive/` holds their name, whose archived object is this
 * one's own server-side copy: an archive move that stopped between the copy and the delete. Pure.
 * Only the copy's own word counts: `copiedFrom` (the COPIED_FROM metadata of each archived object
 * asked about) must name the ETag the backup has now. Size and ETag prove nothing (another object
 * can have the size of a multipart backup, whose copy may get another ETag), so anything else of that
 * name in the archive is another object, and the backup stays where it is.
 */
export function interruptedMoves(
  listing: Pick<BucketListing, 'backups'>,
  plan: Pick<RotationPlan, 'skipped'>,
  copiedFrom: ReadonlyMap<string, string | undefined>,
): string[] {
  const etags = new Map(listing.backups.map((backup) => [backup.file, backup.etag]));
  return plan.skipped
    .map(({ file }) => file)
    .filter((file) => {
      const etag = etags.get(file);
      return etag !== undefined && etag !== '' && copiedFrom.get(file) === etag;
    });
}

import { backupPrefix, databaseOf } from './backupFileName.js';
import type { RotationPlan } from './planRotation.js';

/**
 * Narrows a rotation plan to the backups of one database (files are grouped by the database part of
 * their names; several databases may share a folder). Returns a new plan.
 */
export function onlyDatabase(plan: RotationPlan, database: string): RotationPlan {
  const prefix = backupPrefix(database);
  const ours = (file: string) => databaseOf(file) === prefix;
  return {
    kept: plan.kept.filter(({ file }) => ours(file)),
    archived: plan.archived.filter(ours),
    deletedFromMain: plan.deletedFromMain.filter(ours),
    deletedFromArchive: plan.deletedFromArchive.filter(ours),
    skipped: plan.skipped.filter(({ file }) => ours(file)),
    stalePartials: plan.stalePartials.filter(ours),
    futureDated: plan.futureDated.filter(ours),
    archiveCutoff: plan.archiveCutoff,
  };
}

import { formatKeepReason } from '../functions/backup/BackupAnswer.js';
import { BackupFolder } from '../functions/backup/folder/BackupFolder.js';
import type { RotationPlan } from '../functions/backup/retention/planRotation.js';

/**
 * One line per backup: what stays (and why), what moves to the archive, what is deleted or left in place.
 * With `offsite` (the backups the local manifest marks as copied to the bucket), a column after the
 * name says `offsite` or `local only` for each.
 */
export function formatRotation(plan: RotationPlan, offsite?: ReadonlySet<string>): string {
  const deleted = [...plan.deletedFromMain, ...plan.deletedFromArchive.map((file) => BackupFolder.archivedName(file))];
  const files = [...plan.kept.map((k) => k.file), ...plan.archived, ...deleted, ...plan.skipped.map((s) => s.file), ...plan.futureDated];
  const width = Math.max(0, ...files.map((file) => file.length));
  const where = (file: string) =>
    offsite === undefined ? '' : `${(offsite.has(file.replace(/^archive\//, '')) ? 'offsite' : 'local only').padEnd(10)}  `;
  const line = (file: string, what: string) => `${file.padEnd(width)}  ${where(file)}${what}`;
  return [
    ...plan.kept.map(({ file, reasons }) => line(file, `keep (${reasons.map(formatKeepReason).join(', ')})`)),
    ...plan.archived.map((file) => line(file, 'archive')),
    ...deleted.map((file) => line(file, `delete (taken before ${plan.archiveCutoff.toISOString()})`)),
    ...plan.skipped.map(({ file }) => line(file, `stays: ${BackupFolder.archivedName(file)} already exists`)),
    ...plan.futureDated.map((file) => line(file, 'future-dated (named after now: a clock ran ahead): left alone by every rule')),
  ].join('\n');
}

/** `3 kept, 1 archived, 0 deleted`. */
export function summarizeRotation(plan: RotationPlan): string {
  const deleted = plan.deletedFromMain.length + plan.deletedFromArchive.length;
  const extra = [
    ...(plan.skipped.length > 0 ? [`${plan.skipped.length} skipped`] : []),
    ...(plan.futureDated.length > 0 ? [`${plan.futureDated.length} future-dated`] : []),
  ];
  return [`${plan.kept.length} kept, ${plan.archived.length} archived, ${deleted} deleted`, ...extra].join(', ');
}

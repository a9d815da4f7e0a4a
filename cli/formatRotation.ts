import type { RotationPlan } from '../functions/backup/retention/planRotation.js';

/** One line per backup: what stays (and why), what moves to the archive, what is deleted. */
export function formatRotation(plan: RotationPlan): string {
  const width = Math.max(0, ...[...plan.kept.map((k) => k.file), ...plan.archived, ...plan.deleted].map((f) => f.length));
  const line = (file: string, what: string) => `${file.padEnd(width)}  ${what}`;
  return [
    ...plan.kept.map(({ file, reasons }) => line(file, `keep (${reasons.join(', ')})`)),
    ...plan.archived.map((file) => line(file, 'archive')),
    ...plan.deleted.map((file) => line(file, `delete (taken before ${plan.archiveCutoff.toISOString()})`)),
  ].join('\n');
}

/** `3 kept, 1 archived, 0 deleted`. */
export function summarizeRotation(plan: RotationPlan): string {
  return `${plan.kept.length} kept, ${plan.archived.length} archived, ${plan.deleted.length} deleted`;
}

import { parseBackupFileName, type BackupFileName } from './backupFileName.js';
import { type CalendarPeriod, monthsBefore, periodContaining, recentPeriods } from './calendar.js';
import { PERIOD_RULES, type PeriodRuleName } from './periodRules.js';
import type { RetentionPolicy } from './RetentionPolicy.js';

/**
 * Why a backup stays in the main folder: one of the `keepLast` newest, or the newest of a period of
 * one of PERIOD_RULES: a week (`period`: the Sunday that starts it, `2026-11-22`), a calendar month (`2026-11`).
 */
export type KeepReason = { rule: 'newest'; count: number } | { rule: PeriodRuleName; period: string };

export interface KeptBackup {
  file: string;
  /** Every rule that keeps it: newest first, then the period rules in PERIOD_RULES' order. */
  reasons: KeepReason[];
}

/** A backup the rotation leaves where it is although the rules would archive it, and why. */
export interface SkippedBackup {
  file: string;
  cause: 'archive-name-taken';
}

/** What a rotation will do, each kind of action in its own list. File names, no folders. */
export interface RotationPlan {
  /** Backups that stay in the main folder, newest first per database, each with every rule that keeps it. */
  kept: KeptBackup[];
  /** Backups of the main folder that move to `archive/`. */
  archived: string[];
  /** Backups of the main folder past the archive age: removed for good, never archived. */
  deletedFromMain: string[];
  /** Backups in `archive/` past the archive age: removed for good. */
  deletedFromArchive: string[];
  /** Backups that would move to `archive/`, where a file of that name already is: left in place. */
  skipped: SkippedBackup[];
  /** `.partial` files in the main folder of backups started more than a day before `now`: left by a crash, removed. */
  stalePartials: string[];
  /**
   * Backups of the main folder named more than the clock tolerance after `now` (written while a clock
   * ran ahead): no rule keeps, archives or deletes them, and they take no keep slot from a real backup.
   */
  futureDated: string[];
  /** Archived backups taken before this instant are deleted. */
  archiveCutoff: Date;
}

export interface RotationInput {
  /** File names in the main backup folder (anything that is not a backup name is ignored). */
  backups: readonly string[];
  /** File names in the `archive/` folder. */
  archived: readonly string[];
}

const PARTIAL = '.partial';
/** A backup in progress never lasts this long (the dump's own timeout is far shorter). */
const STALE_PARTIAL_MS = 24 * 3_600_000;

const newestFirst = (a: BackupFileName, b: BackupFileName) =>
  b.takenAt.getTime() - a.takenAt.getTime() || (a.file < b.file ? 1 : a.file > b.file ? -1 : 0);

/**
 * Plans a rotation; pure: reads no clock and no disk. Rules run per database name, on the main
 * folder's backups only: keep the `keepLast` newest, and for each row of PERIOD_RULES the newest
 * backup of each of its last `policy[count]` periods (Sunday–Saturday weeks, calendar months);
 * archive the rest; delete archived backups taken before `now` minus `archiveMonths` months (one
 * exactly at the cutoff stays) and main-folder backups no rule keeps that are already past that age.
 * `.partial` files of backups started over a day ago are planned for removal too. A backup due for
 * the archive where `archive/` already holds its name is planned as skipped: nothing is overwritten.
 */
export function planRotation(input: RotationInput, now: Date, policy: RetentionPolicy): RotationPlan {
  // `newest` is no period rule: it ranks backups instead of placing them in a calendar, and its reason is a count.
  const periodRules = PERIOD_RULES.map((rule) => ({
    rule: rule.name,
    periods: recentPeriods(now, policy.timeZone, rule, policy[rule.count]),
  }));
  const archiveCutoff = monthsBefore(now, policy.timeZone, policy.archiveMonths);
  const expired = (backup: BackupFileName) => backup.takenAt.getTime() < archiveCutoff.getTime();

  const inArchive = new Set(input.archived);
  const plan: RotationPlan = {
    kept: [],
    archived: [],
    deletedFromMain: [],
    deletedFromArchive: [],
    skipped: [],
    stalePartials: [],
    futureDated: [],
    archiveCutoff,
  };
  const futureAfter = now.getTime() + policy.clockToleranceMs;
  const partialCutoff = now.getTime() - STALE_PARTIAL_MS;
  for (const file of input.backups) {
    const started = file.endsWith(PARTIAL) ? parseBackupFileName(file.slice(0, -PARTIAL.length)) : undefined;
    if (started && started.takenAt.getTime() < partialCutoff) plan.stalePartials.push(file);
  }

  for (const group of groupByDatabase(input.backups).values()) {
    const backups = group.filter((backup) => backup.takenAt.getTime() <= futureAfter).sort(newestFirst);
    for (const backup of group.filter((backup) => backup.takenAt.getTime() > futureAfter).sort(newestFirst)) {
      plan.futureDated.push(backup.file);
    }
    // Newest first, so the first backup placed in a period is that period's newest.
    const claimed = new Set<CalendarPeriod>();
    backups.forEach((backup, index) => {
      const reasons: KeepReason[] = index < policy.keepLast ? [{ rule: 'newest', count: policy.keepLast }] : [];
      for (const { rule, periods } of periodRules) {
        const period = periodContaining(periods, backup.takenAt);
        if (period && !claimed.has(period)) {
          claimed.add(period);
          reasons.push({ rule, period: period.key });
        }
      }
      if (reasons.length > 0) plan.kept.push({ file: backup.file, reasons });
      else if (expired(backup)) plan.deletedFromMain.push(backup.file);
      else if (inArchive.has(backup.file)) plan.skipped.push({ file: backup.file, cause: 'archive-name-taken' });
      else plan.archived.push(backup.file);
    });
  }

  for (const backups of groupByDatabase(input.archived).values()) {
    for (const backup of backups.sort(newestFirst)) {
      if (expired(backup)) plan.deletedFromArchive.push(backup.file);
    }
  }
  return plan;
}

/** A plan that does nothing (a rotation held back): every list empty. */
export function emptyPlan(now: Date, policy: RetentionPolicy): RotationPlan {
  return {
    kept: [],
    archived: [],
    deletedFromMain: [],
    deletedFromArchive: [],
    skipped: [],
    stalePartials: [],
    futureDated: [],
    archiveCutoff: monthsBefore(now, policy.timeZone, policy.archiveMonths),
  };
}

function groupByDatabase(files: readonly string[]): Map<string, BackupFileName[]> {
  const groups = new Map<string, BackupFileName[]>();
  for (const file of files) {
    const backup = parseBackupFileName(file);
    if (!backup) continue;
    const group = groups.get(backup.database);
    if (group) group.push(backup);
    else groups.set(backup.database, [backup]);
  }
  return groups;
}

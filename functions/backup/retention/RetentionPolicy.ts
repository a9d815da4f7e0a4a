import { DEFAULTS } from '../../config/defaults.js';
import { PERIOD_RULES, type PeriodCounts } from './periodRules.js';

/** How many backups the rotator keeps, and in which calendar; one count per row of PERIOD_RULES (`keepWeeks`, `keepMonths`). */
export interface RetentionPolicy extends PeriodCounts {
  /** Keep this many newest backups per database, however old. */
  keepLast: number;
  /** Delete archived backups older than `now` minus this many calendar months. */
  archiveMonths: number;
  /** IANA time zone in which the periods (weeks Sunday to Saturday, months) are counted. */
  timeZone: string;
  /** A backup named more than this after `now` is future-dated: no rule keeps, archives or deletes it. */
  clockToleranceMs: number;
}

/** The policy's fields out of a larger set of settings (the configuration, DEFAULTS); returns a new object. */
export function retentionPolicy(settings: RetentionPolicy): RetentionPolicy {
  const counts = Object.fromEntries(PERIOD_RULES.map(({ count }) => [count, settings[count]])) as PeriodCounts;
  return {
    keepLast: settings.keepLast,
    ...counts,
    archiveMonths: settings.archiveMonths,
    timeZone: settings.timeZone,
    clockToleranceMs: settings.clockToleranceMs,
  };
}

export const DEFAULT_RETENTION_POLICY: RetentionPolicy = retentionPolicy(DEFAULTS);

import { DEFAULTS } from '../../config/defaults.js';

/** How many backups the rotator keeps, and in which calendar. */
export interface RetentionPolicy {
  /** Keep this many newest backups per database, however old. */
  keepLast: number;
  /** Keep the newest backup of the week containing `now` and of each of the weeks before it, this many weeks in all. */
  keepWeeks: number;
  /** Keep the newest backup of the month containing `now` and of each of the months before it, this many months in all. */
  keepMonths: number;
  /** Delete archived backups older than `now` minus this many calendar months. */
  archiveMonths: number;
  /** IANA time zone in which weeks (Sunday to Saturday) and months are counted. */
  timeZone: string;
  /** A backup named more than this after `now` is future-dated: no rule keeps, archives or deletes it. */
  clockToleranceMs: number;
}

export const DEFAULT_RETENTION_POLICY: RetentionPolicy = {
  keepLast: DEFAULTS.keepLast,
  keepWeeks: DEFAULTS.keepWeeks,
  keepMonths: DEFAULTS.keepMonths,
  archiveMonths: DEFAULTS.archiveMonths,
  timeZone: DEFAULTS.timeZone,
  clockToleranceMs: DEFAULTS.clockToleranceMs,
};

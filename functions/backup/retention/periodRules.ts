import type { PeriodCalendar } from './calendar.js';

/** A rule that keeps the newest backup of each of the last `policy[count]` periods of its calendar, counting the current one. */
export interface PeriodRule extends PeriodCalendar {
  /** The rule in a keep reason: `week` in `week 2026-11-22`. */
  name: string;
  /** The policy's field (and the settings table's row) saying how many periods the rule looks back. */
  count: string;
}

/**
 * The period rules, one row each, in the order a kept backup's reasons are given (restic's
 * `snapshot_policy.go` buckets). Adding a period is adding a row here and its count's row in
 * `functions/config/settings.ts`; the planner, the policy's type and the keep reasons follow.
 */
export const PERIOD_RULES = [
  // Sunday to Saturday, named by its Sunday.
  { name: 'week', count: 'keepWeeks', startOf: (day) => day.subtract(day.day(), 'day'), length: 'week', key: 'YYYY-MM-DD' },
  { name: 'month', count: 'keepMonths', startOf: (day) => day.startOf('month'), length: 'month', key: 'YYYY-MM' },
  { name: 'year', count: 'keepYears', startOf: (day) => day.startOf('year'), length: 'year', key: 'YYYY' },
] as const satisfies readonly PeriodRule[];

/** `week`, `month`, `year`: the rules a keep reason can name besides `newest`. */
export type PeriodRuleName = (typeof PERIOD_RULES)[number]['name'];

/** How many periods each rule looks back: `keepWeeks`, `keepMonths`, `keepYears`. */
export type PeriodCounts = Record<(typeof PERIOD_RULES)[number]['count'], number>;

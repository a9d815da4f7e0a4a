import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/** One calendar week or month in a time zone: `[start, end)` as instants. */
export interface CalendarPeriod {
  /** `YYYY-MM-DD` of the Sunday that starts a week, or `YYYY-MM` for a month. */
  key: string;
  start: Date;
  end: Date;
}

/**
 * The `count` weeks (Sunday 00:00 to the next Sunday 00:00, local time) or calendar months
 * of `timeZone` ending with the one that contains `now`, newest first.
 * Only these few boundaries go through the time-zone database; backups are then placed by
 * comparing instants, which keeps planning fast for 100,000 names.
 */
export function recentPeriods(now: Date, timeZone: string, unit: 'week' | 'month', count: number): CalendarPeriod[] {
  const local = dayjs(now).tz(timeZone);
  // Count on the civil date alone, so a DST change cannot move a boundary by an hour.
  const today = dayjs.utc(Date.UTC(local.year(), local.month(), local.date()));
  const current = unit === 'week' ? today.subtract(local.day(), 'day') : today.startOf('month');
  const localMidnight = (civil: dayjs.Dayjs) => dayjs.tz(civil.format('YYYY-MM-DDT00:00:00'), timeZone).toDate();

  return Array.from({ length: count }, (_, i) => {
    const start = current.subtract(i, unit);
    return {
      key: start.format(unit === 'week' ? 'YYYY-MM-DD' : 'YYYY-MM'),
      start: localMidnight(start),
      end: localMidnight(start.add(1, unit)),
    };
  });
}

/** The period of `periods` (newest first, as `recentPeriods` returns them) that contains `instant`, if any. */
export function periodContaining(periods: CalendarPeriod[], instant: Date): CalendarPeriod | undefined {
  const t = instant.getTime();
  let low = 0;
  let high = periods.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const period = periods[middle]!;
    if (t < period.start.getTime()) low = middle + 1;
    else if (t >= period.end.getTime()) high = middle - 1;
    else return period;
  }
  return undefined;
}

/** `now` minus `months` calendar months, at the same local wall-clock time in `timeZone`. */
export function monthsBefore(now: Date, timeZone: string, months: number): Date {
  const wallClock = dayjs(now).tz(timeZone).subtract(months, 'month').format('YYYY-MM-DDTHH:mm:ss.SSS');
  return dayjs.tz(wallClock, timeZone).toDate();
}

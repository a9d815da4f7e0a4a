import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/** How a calendar is cut into periods (a week, a month): where one starts, how long it is, how it is named. */
export interface PeriodCalendar {
  /** The first day of the period that contains `day` (a civil date, in dayjs' UTC mode). */
  startOf: (day: dayjs.Dayjs) => dayjs.Dayjs;
  /** One period's length: from one period's first day to the next one's. */
  length: dayjs.ManipulateType;
  /** The dayjs format of a period's key, written from its first day: `YYYY-MM-DD`, `YYYY-MM`. */
  key: string;
}

/** One period of a calendar in a time zone: `[start, end)` as instants. */
export interface CalendarPeriod {
  /** The period's first day in its calendar's `key` format: `2026-11-22` for a week, `2026-11` for a month. */
  key: string;
  start: Date;
  end: Date;
}

/**
 * The `count` periods of `calendar` in `timeZone` (each from local midnight of its first day to local
 * midnight of the next period's) ending with the one that contains `now`, newest first.
 * Only these few boundaries go through the time-zone database; backups are then placed by
 * comparing instants, which keeps planning fast for 100,000 names.
 */
export function recentPeriods(now: Date, timeZone: string, calendar: PeriodCalendar, count: number): CalendarPeriod[] {
  const local = dayjs(now).tz(timeZone);
  // Count on the civil date alone, so a DST change cannot move a boundary by an hour.
  const today = dayjs.utc(Date.UTC(local.year(), local.month(), local.date()));
  const current = calendar.startOf(today);
  const localMidnight = (civil: dayjs.Dayjs) => dayjs.tz(civil.format('YYYY-MM-DDT00:00:00'), timeZone).toDate();

  return Array.from({ length: count }, (_, i) => {
    const start = current.subtract(i, calendar.length);
    return {
      key: start.format(calendar.key),
      start: localMidnight(start),
      end: localMidnight(start.add(1, calendar.length)),
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

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { monthsBefore, periodContaining, recentPeriods } from './calendar.js';
import { PERIOD_RULES } from './periodRules.js';

const iso = (date: Date) => date.toISOString();
/** The calendar of the rule named `name` (its row of PERIOD_RULES). */
const calendarOf = (name: 'week' | 'month') => PERIOD_RULES.find((rule) => rule.name === name)!;
const rows = (periods: ReturnType<typeof recentPeriods>) => periods.map(({ key, start, end }) => [key, iso(start), iso(end)]);

describe('recentPeriods', () => {
  it.each<[string, string, string, 'week' | 'month', number, string[][]]>([
    [
      'weeks from Sunday, in UTC',
      '2026-11-26T20:00:00.000Z', // a Thursday
      'UTC',
      'week',
      3,
      [
        ['2026-11-22', '2026-11-22T00:00:00.000Z', '2026-11-29T00:00:00.000Z'],
        ['2026-11-15', '2026-11-15T00:00:00.000Z', '2026-11-22T00:00:00.000Z'],
        ['2026-11-08', '2026-11-08T00:00:00.000Z', '2026-11-15T00:00:00.000Z'],
      ],
    ],
    [
      "the zone's own date: Sunday 03:00 UTC is still Saturday in New York",
      '2026-11-29T03:00:00.000Z',
      'America/New_York',
      'week',
      1,
      [['2026-11-22', '2026-11-22T05:00:00.000Z', '2026-11-29T05:00:00.000Z']],
    ],
    [
      'a week with the spring DST change is 167 hours, midnight to midnight',
      '2026-04-01T12:00:00.000Z',
      'Europe/Berlin',
      'week',
      1,
      [['2026-03-29', '2026-03-28T23:00:00.000Z', '2026-04-04T22:00:00.000Z']],
    ],
    [
      'months, local midnight to local midnight across DST',
      '2026-03-31T21:59:59.999Z', // 23:59:59.999 in Berlin, summer time
      'Europe/Berlin',
      'month',
      2,
      [
        ['2026-03', '2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
        ['2026-02', '2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z'],
      ],
    ],
    [
      'months over the new year',
      '2026-01-15T00:00:00.000Z',
      'UTC',
      'month',
      3,
      [
        ['2026-01', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
        ['2025-12', '2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
        ['2025-11', '2025-11-01T00:00:00.000Z', '2025-12-01T00:00:00.000Z'],
      ],
    ],
    ['none when counting none', '2026-01-15T00:00:00.000Z', 'UTC', 'month', 0, []],
  ])('%s', (_what, now, timeZone, unit, count, expected) => {
    expect(rows(recentPeriods(new Date(now), timeZone, calendarOf(unit), count))).toEqual(expected);
  });

  // Invariants, on generated instants and zones: newest first, each period ending where the newer one
  // starts, the newest containing now; periodContaining finds exactly the period an instant lies in.
  it('returns adjoining periods, newest first, the newest holding now; periodContaining agrees with them', () => {
    // Lord Howe moves its clocks by 30 minutes; Santiago at midnight (some days have no 00:00).
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago'];
    const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) });
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom(...zones),
        fc.constantFrom<'week' | 'month'>('week', 'month'),
        fc.integer({ min: 1, max: 15 }),
        fc.double({ min: -0.2, max: 1.2, noNaN: true }),
        (nowMs, timeZone, unit, count, where) => {
          const now = new Date(nowMs);
          const periods = recentPeriods(now, timeZone, calendarOf(unit), count);
          // An instant somewhere in the periods' span, or a little before or after it.
          const [oldest, newest] = [periods.at(-1)!.start.getTime(), periods[0]!.end.getTime()];
          const probeMs = Math.floor(oldest + where * (newest - oldest));

          expect(periods).toHaveLength(count);
          expect(periods[0]!.start.getTime()).toBeLessThanOrEqual(nowMs);
          expect(periods[0]!.end.getTime()).toBeGreaterThan(nowMs);
          for (const [newer, older] of periods.slice(0, -1).map((period, i) => [period, periods[i + 1]!])) {
            expect(older!.end).toEqual(newer!.start);
          }
          const holding = periods.find((period) => period.start.getTime() <= probeMs && probeMs < period.end.getTime());
          expect(periodContaining(periods, new Date(probeMs))).toBe(holding);
          // Each period from its first millisecond to its last; nothing just outside them all.
          for (const period of periods) {
            expect(periodContaining(periods, period.start)).toBe(period);
            expect(periodContaining(periods, new Date(period.end.getTime() - 1))).toBe(period);
          }
          expect(periodContaining(periods, new Date(oldest - 1))).toBeUndefined();
          expect(periodContaining(periods, new Date(newest))).toBeUndefined();
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('monthsBefore', () => {
  it.each([
    ['a year before, in UTC (the archive cutoff)', '2026-11-26T20:00:00.000Z', 'UTC', 12, '2025-11-26T20:00:00.000Z'],
    ['the last day of a shorter month for a day it lacks', '2026-03-31T10:00:00.000Z', 'UTC', 1, '2026-02-28T10:00:00.000Z'],
    ['the same local time across DST (12:00 in Berlin)', '2026-04-15T10:00:00.000Z', 'Europe/Berlin', 1, '2026-03-15T11:00:00.000Z'],
    ['none: now itself', '2026-04-15T10:00:00.000Z', 'Europe/Berlin', 0, '2026-04-15T10:00:00.000Z'],
  ])('%s', (_what, now, timeZone, months, expected) => {
    expect(iso(monthsBefore(new Date(now), timeZone, months))).toBe(expected);
  });
});

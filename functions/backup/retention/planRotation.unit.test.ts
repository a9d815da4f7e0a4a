import { describe, expect, it } from '@jest/globals';
import { formatBackupFileName, parseBackupFileName } from './backupFileName.js';
import { formatKeepReason } from '../BackupAnswer.js';
import { planRotation, type RotationPlan } from './planRotation.js';
import { DEFAULT_RETENTION_POLICY, type RetentionPolicy } from './RetentionPolicy.js';

const b = (iso: string, database = 'notes') => formatBackupFileName(database, new Date(iso));
const NOW = '2026-11-26T12:00:00.000Z'; // a Thursday; its week started on Sunday 2026-11-22

interface Case {
  name: string;
  now?: string;
  policy?: Partial<RetentionPolicy>;
  backups: string[];
  archived?: string[];
  /** Each kept backup with its reasons as the API and `list` word them. */
  kept: [string, string[]][];
  toArchive?: string[];
  deletedFromMain?: string[];
  deletedFromArchive?: string[];
  skipped?: string[];
  futureDated?: string[];
}

const cases: Case[] = [
  {
    name: 'keeps the 5 newest however old, and deletes older ones past the archive cutoff',
    backups: ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04', '2020-01-05', '2020-01-06', '2020-01-07'].map((d) =>
      b(`${d}T00:00:00Z`),
    ),
    kept: ['2020-01-07', '2020-01-06', '2020-01-05', '2020-01-04', '2020-01-03'].map((d) => [b(`${d}T00:00:00Z`), ['newest 5']]),
    deletedFromMain: [b('2020-01-02T00:00:00Z'), b('2020-01-01T00:00:00Z')],
  },
  {
    name: 'keeps only the newest of several backups in one day and one week',
    policy: { keepLast: 0, keepMonths: 0 },
    backups: [b('2026-11-26T08:00:00Z'), b('2026-11-26T09:00:00Z'), b('2026-11-26T10:00:00Z'), b('2026-11-23T10:00:00Z')],
    kept: [[b('2026-11-26T10:00:00Z'), ['week 2026-11-22']]],
    toArchive: [b('2026-11-26T09:00:00Z'), b('2026-11-26T08:00:00Z'), b('2026-11-23T10:00:00Z')],
  },
  {
    name: 'splits weeks between Saturday 23:59:59.999 and Sunday 00:00:00.000',
    policy: { keepLast: 0, keepMonths: 0 },
    backups: [b('2026-11-20T10:00:00Z'), b('2026-11-21T23:59:59.999Z'), b('2026-11-22T00:00:00.000Z')],
    kept: [
      [b('2026-11-22T00:00:00.000Z'), ['week 2026-11-22']],
      [b('2026-11-21T23:59:59.999Z'), ['week 2026-11-15']],
    ],
    toArchive: [b('2026-11-20T10:00:00Z')],
  },
  {
    name: 'keeps the newest of the 4 weeks only, not a fifth',
    policy: { keepLast: 0, keepMonths: 0 },
    backups: [b('2026-11-01T00:00:00Z'), b('2026-10-31T23:59:59.999Z')],
    kept: [[b('2026-11-01T00:00:00Z'), ['week 2026-11-01']]],
    toArchive: [b('2026-10-31T23:59:59.999Z')],
  },
  {
    name: 'counts a week that crosses a month and a year boundary as one week',
    now: '2027-01-02T12:00:00Z', // Saturday; the week started Sunday 2026-12-27
    policy: { keepLast: 0, keepWeeks: 1 },
    backups: [b('2026-12-28T10:00:00Z'), b('2026-12-31T23:00:00Z'), b('2027-01-01T01:00:00Z')],
    kept: [
      [b('2027-01-01T01:00:00Z'), ['week 2026-12-27', 'month 2027-01']],
      [b('2026-12-31T23:00:00Z'), ['month 2026-12']],
    ],
    toArchive: [b('2026-12-28T10:00:00Z')],
  },
  {
    name: 'keeps the newest of each of the 12 months and skips a month with no backup',
    policy: { keepLast: 0, keepWeeks: 0 },
    backups: [
      b('2026-09-01T00:00:00Z'),
      b('2026-09-30T23:59:59.999Z'),
      b('2026-07-15T00:00:00Z'),
      b('2025-12-01T00:00:00Z'),
      b('2025-11-30T23:59:59.999Z'),
    ],
    kept: [
      [b('2026-09-30T23:59:59.999Z'), ['month 2026-09']],
      [b('2026-07-15T00:00:00Z'), ['month 2026-07']],
      [b('2025-12-01T00:00:00Z'), ['month 2025-12']],
    ],
    toArchive: [b('2026-09-01T00:00:00Z'), b('2025-11-30T23:59:59.999Z')],
  },
  {
    name: 'places weeks and months in the policy zone across a DST change (New York, 2026-11-01)',
    policy: { keepLast: 0, keepWeeks: 5, keepMonths: 2, timeZone: 'America/New_York' },
    // 03:30Z is Saturday Oct 31 23:30 EDT; 04:30Z is Sunday Nov 1 00:30 EDT (the clocks went back at 06:00Z).
    backups: [b('2026-11-01T03:30:00Z'), b('2026-11-01T04:30:00Z')],
    kept: [
      [b('2026-11-01T04:30:00Z'), ['week 2026-11-01', 'month 2026-11']],
      [b('2026-11-01T03:30:00Z'), ['week 2026-10-25', 'month 2026-10']],
    ],
  },
  {
    name: 'puts the same two backups in one week and month in UTC',
    policy: { keepLast: 0, keepWeeks: 5, keepMonths: 2 },
    backups: [b('2026-11-01T03:30:00Z'), b('2026-11-01T04:30:00Z')],
    kept: [[b('2026-11-01T04:30:00Z'), ['week 2026-11-01', 'month 2026-11']]],
    toArchive: [b('2026-11-01T03:30:00Z')],
  },
  {
    name: 'starts a Berlin week at local midnight, an hour before UTC midnight, after the spring DST change',
    now: '2026-04-01T12:00:00Z',
    policy: { keepLast: 0, keepMonths: 0, keepWeeks: 1, timeZone: 'Europe/Berlin' },
    // Sunday 2026-03-29 00:00 CET is 2026-03-28T23:00Z; the clocks went forward at 01:00Z that night.
    backups: [b('2026-03-28T22:59:59.999Z'), b('2026-03-28T23:00:00.000Z')],
    kept: [[b('2026-03-28T23:00:00.000Z'), ['week 2026-03-29']]],
    toArchive: [b('2026-03-28T22:59:59.999Z')],
  },
  {
    name: 'keeps the newest backup of each of the last 3 calendar years, however old, and deletes the rest past the archive age',
    policy: { keepLast: 0, keepWeeks: 0, keepMonths: 0, keepYears: 3 },
    backups: [
      b('2026-03-01T00:00:00Z'),
      b('2026-01-01T00:00:00Z'),
      b('2025-12-31T23:59:59.999Z'),
      b('2025-06-01T00:00:00Z'),
      b('2024-01-01T00:00:00Z'),
      b('2023-12-31T23:59:59.999Z'),
    ],
    kept: [
      [b('2026-03-01T00:00:00Z'), ['year 2026']],
      [b('2025-12-31T23:59:59.999Z'), ['year 2025']],
      [b('2024-01-01T00:00:00Z'), ['year 2024']],
    ],
    toArchive: [b('2026-01-01T00:00:00Z')],
    deletedFromMain: [b('2025-06-01T00:00:00Z'), b('2023-12-31T23:59:59.999Z')],
  },
  {
    name: 'counts years in the policy zone: 2027 begins in Tokyo at 15:00 UTC on 31 December',
    now: '2027-01-02T00:00:00Z',
    policy: { keepLast: 0, keepWeeks: 0, keepMonths: 0, keepYears: 2, timeZone: 'Asia/Tokyo' },
    backups: [b('2026-12-31T14:59:59.999Z'), b('2026-12-31T15:00:00.000Z')],
    kept: [
      [b('2026-12-31T15:00:00.000Z'), ['year 2027']],
      [b('2026-12-31T14:59:59.999Z'), ['year 2026']],
    ],
  },
  {
    name: 'puts the same two backups in one year in UTC',
    now: '2027-01-02T00:00:00Z',
    policy: { keepLast: 0, keepWeeks: 0, keepMonths: 0, keepYears: 2 },
    backups: [b('2026-12-31T14:59:59.999Z'), b('2026-12-31T15:00:00.000Z')],
    kept: [[b('2026-12-31T15:00:00.000Z'), ['year 2026']]],
    toArchive: [b('2026-12-31T14:59:59.999Z')],
  },
  {
    name: 'keeps no year by default (BACKUP_KEEP_YEARS=0)',
    policy: { keepLast: 0, keepWeeks: 0, keepMonths: 0 },
    backups: [b('2026-03-01T00:00:00Z'), b('2025-12-31T23:59:59.999Z')],
    kept: [],
    toArchive: [b('2026-03-01T00:00:00Z'), b('2025-12-31T23:59:59.999Z')],
  },
  {
    name: 'keeps by the rules in the main folder only: an archived backup past the archive age goes, a yearly rule or not',
    policy: { keepYears: 5 },
    backups: [],
    archived: [b('2024-12-31T00:00:00Z'), b('2025-12-31T00:00:00Z')],
    kept: [],
    deletedFromArchive: [b('2024-12-31T00:00:00Z')],
  },
  {
    name: 'deletes archived backups just before the 12-month cutoff and keeps the one exactly at it',
    backups: [],
    archived: [b('2025-11-26T11:59:59.999Z'), b('2025-11-26T12:00:00.000Z'), b('2025-11-26T12:00:00.001Z'), b('2024-06-01T00:00:00Z')],
    kept: [],
    deletedFromArchive: [b('2025-11-26T11:59:59.999Z'), b('2024-06-01T00:00:00Z')],
  },
  {
    name: 'counts the archive cutoff in the policy zone',
    now: '2026-07-01T00:30:00Z', // 02:30 in Berlin (CEST); a year earlier 02:30 CEST is 00:30Z too
    policy: { timeZone: 'Europe/Berlin' },
    backups: [],
    archived: [b('2025-07-01T00:29:59.999Z'), b('2025-07-01T00:30:00.000Z')],
    kept: [],
    deletedFromArchive: [b('2025-07-01T00:29:59.999Z')],
  },
  {
    name: 'ignores names that only look like backups',
    backups: [
      'notes_2026-13-01T00-00-00.000Z.sql',
      `${b('2026-11-26T00:00:00Z')}.partial`,
      'README.txt',
      `${b('2026-11-25T00:00:00Z')}.bak`,
    ],
    archived: ['notes_2020-02-30T00-00-00.000Z.sql'],
    kept: [],
  },
  {
    name: 'applies the rules to each database of a shared folder on its own',
    policy: { keepLast: 1, keepWeeks: 0, keepMonths: 0 },
    backups: [b('2026-11-25T00:00:00Z', 'notes'), b('2026-11-24T00:00:00Z', 'notes'), b('2026-11-20T00:00:00Z', 'other_db')],
    kept: [
      [b('2026-11-25T00:00:00Z', 'notes'), ['newest 1']],
      [b('2026-11-20T00:00:00Z', 'other_db'), ['newest 1']],
    ],
    toArchive: [b('2026-11-24T00:00:00Z', 'notes')],
  },
  {
    name: 'leaves a backup in place, as skipped, when archive/ already holds its name',
    policy: { keepLast: 1, keepWeeks: 0, keepMonths: 0 },
    backups: [b('2026-11-25T00:00:00Z'), b('2026-11-24T00:00:00Z'), b('2026-11-23T00:00:00Z')],
    archived: [b('2026-11-24T00:00:00Z')],
    kept: [[b('2026-11-25T00:00:00Z'), ['newest 1']]],
    toArchive: [b('2026-11-23T00:00:00Z')],
    skipped: [b('2026-11-24T00:00:00Z')],
  },
  {
    name: 'leaves backups named in the future alone: they take no keep slot and are never archived or deleted',
    policy: { keepLast: 2 },
    backups: [
      b('2027-06-01T00:00:00Z'),
      b('2026-12-01T00:00:00Z'),
      b('2026-11-26T10:00:00Z'),
      b('2026-11-25T10:00:00Z'),
      b('2026-11-24T10:00:00Z'),
    ],
    kept: [
      [b('2026-11-26T10:00:00Z'), ['newest 2', 'week 2026-11-22', 'month 2026-11']],
      [b('2026-11-25T10:00:00Z'), ['newest 2']],
    ],
    toArchive: [b('2026-11-24T10:00:00Z')],
    futureDated: [b('2027-06-01T00:00:00Z'), b('2026-12-01T00:00:00Z')],
  },
  {
    name: 'counts a backup up to the clock tolerance after now as a real one (clocks a little apart)',
    policy: { keepLast: 1, keepWeeks: 0, keepMonths: 0 },
    backups: [b('2026-11-26T12:05:00.000Z'), b('2026-11-26T12:05:00.001Z'), b('2026-11-26T11:00:00Z')],
    kept: [[b('2026-11-26T12:05:00.000Z'), ['newest 1']]],
    toArchive: [b('2026-11-26T11:00:00Z')],
    futureDated: [b('2026-11-26T12:05:00.001Z')],
  },
  {
    name: 'gives every reason that keeps a backup',
    backups: [b('2026-11-26T10:00:00Z')],
    kept: [[b('2026-11-26T10:00:00Z'), ['newest 5', 'week 2026-11-22', 'month 2026-11']]],
  },
  {
    name: 'gives every reason that keeps a backup, the yearly one last',
    policy: { keepYears: 1 },
    backups: [b('2026-11-26T10:00:00Z')],
    kept: [[b('2026-11-26T10:00:00Z'), ['newest 5', 'week 2026-11-22', 'month 2026-11', 'year 2026']]],
  },
];

describe('planRotation', () => {
  it.each(cases)(
    '$name',
    ({
      now = NOW,
      policy,
      backups,
      archived = [],
      kept,
      toArchive = [],
      deletedFromMain = [],
      deletedFromArchive = [],
      skipped = [],
      futureDated = [],
    }) => {
      const plan = planRotation({ backups, archived }, new Date(now), { ...DEFAULT_RETENTION_POLICY, ...policy });

      expect(plan.kept.map(({ file, reasons }) => [file, reasons.map(formatKeepReason)])).toEqual(kept);
      expect(plan.archived).toEqual(toArchive);
      expect(plan.deletedFromMain).toEqual(deletedFromMain);
      expect(plan.deletedFromArchive).toEqual(deletedFromArchive);
      expect(plan.skipped).toEqual(skipped.map((file) => ({ file, cause: 'archive-name-taken' })));
      expect(plan.futureDated).toEqual(futureDated);
    },
  );

  it('gives each reason as a rule and its period, not as words', () => {
    const policy = { ...DEFAULT_RETENTION_POLICY, keepYears: 1 };
    const plan = planRotation({ backups: [b('2026-11-26T10:00:00Z')], archived: [] }, new Date(NOW), policy);

    expect(plan.kept[0]!.reasons).toEqual([
      { rule: 'newest', count: 5 },
      { rule: 'week', period: '2026-11-22' },
      { rule: 'month', period: '2026-11' },
      { rule: 'year', period: '2026' },
    ]);
  });

  it.each(cases)(
    'accounts for every backup once and changes nothing on a second run: $name',
    ({ now = NOW, policy, backups, archived = [] }) => {
      const fullPolicy = { ...DEFAULT_RETENTION_POLICY, ...policy };
      const plan = planRotation({ backups, archived }, new Date(now), fullPolicy);

      const accounted = [
        ...plan.kept.map((k) => k.file),
        ...plan.archived,
        ...plan.deletedFromMain,
        ...plan.skipped.map((s) => s.file),
        ...plan.futureDated,
      ].sort();
      expect(accounted).toEqual(backups.filter((file) => parseBackupFileName(file)).sort());
      expect(plan.deletedFromArchive.every((file) => archived.includes(file))).toBe(true);

      const second = planRotation(applied(plan, backups, archived), new Date(now), fullPolicy);
      expect(second.kept).toEqual(plan.kept);
      expect(second.archived).toEqual([]);
      expect(second.deletedFromMain).toEqual([]);
      expect(second.deletedFromArchive).toEqual([]);
      expect(second.skipped).toEqual(plan.skipped);
    },
  );
});

describe('planRotation and crash leftovers', () => {
  it('removes .partial files of backups started over a day ago, and only those', () => {
    const stale = `${b('2026-11-25T11:59:59.999Z')}.partial`;
    const recent = `${b('2026-11-25T12:00:00.000Z')}.partial`;

    const plan = planRotation(
      { backups: [stale, recent, 'other.partial', 'notes_2026-13-01T00-00-00.000Z.sql.partial'], archived: [] },
      new Date(NOW),
      DEFAULT_RETENTION_POLICY,
    );

    expect(plan.stalePartials).toEqual([stale]);
    expect([...plan.kept, ...plan.archived, ...plan.deletedFromMain, ...plan.deletedFromArchive, ...plan.skipped]).toEqual([]);
  });
});

/** The folders' contents after carrying out `plan`, without a disk. */
function applied(plan: RotationPlan, backups: string[], archived: string[]) {
  const goneFromMain = new Set([...plan.archived, ...plan.deletedFromMain]);
  const goneFromArchive = new Set(plan.deletedFromArchive);
  return {
    backups: backups.filter((file) => !goneFromMain.has(file)),
    archived: [...archived.filter((file) => !goneFromArchive.has(file)), ...plan.archived],
  };
}

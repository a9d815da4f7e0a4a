import { formatBackupFileName } from '../../functions/backup/retention/backupFileName.js';

/** The instant the 16-month series is rotated at: Thursday 2026-11-26 20:00 UTC (archive cutoff 2025-11-26T20:00:00.000Z). */
export const SERIES_NOW = new Date('2026-11-26T20:00:00.000Z');

const b = (iso: string) => formatBackupFileName('notes', new Date(iso));

/** One backup a day at 18:00 UTC from 2025-07-20 to 2026-11-26 (16 months), plus two more on the last day. */
export function sixteenMonthsOfBackups(): string[] {
  const files = [b('2026-11-26T08:00:00Z'), b('2026-11-26T10:00:00Z')];
  for (let day = new Date('2025-07-20T18:00:00Z'); day <= SERIES_NOW; day = new Date(day.getTime() + 86_400_000)) {
    files.push(b(day.toISOString()));
  }
  return files;
}

/** Already in the archive before the series is rotated: two past the archive age (one by a millisecond), two not. */
export const PRE_ARCHIVED = {
  expired: [b('2025-11-26T19:59:59.999Z'), b('2024-01-01T00:00:00Z')],
  kept: [b('2025-11-26T20:00:00.000Z'), b('2026-01-15T00:00:00Z')],
};

/** What the default policy keeps of the series at SERIES_NOW, newest first. */
export const EXPECTED_KEPT = [
  '2026-11-26T18:00:00Z',
  '2026-11-26T10:00:00Z',
  '2026-11-26T08:00:00Z',
  '2026-11-25T18:00:00Z',
  '2026-11-24T18:00:00Z', // newest 5
  '2026-11-21T18:00:00Z',
  '2026-11-14T18:00:00Z',
  '2026-11-07T18:00:00Z', // newest of the 3 weeks before this one
  '2026-10-31T18:00:00Z',
  '2026-09-30T18:00:00Z',
  '2026-08-31T18:00:00Z',
  '2026-07-31T18:00:00Z',
  '2026-06-30T18:00:00Z',
  '2026-05-31T18:00:00Z',
  '2026-04-30T18:00:00Z',
  '2026-03-31T18:00:00Z',
  '2026-02-28T18:00:00Z',
  '2026-01-31T18:00:00Z',
  '2025-12-31T18:00:00Z', // newest of each of the 11 months before this one
].map(b);

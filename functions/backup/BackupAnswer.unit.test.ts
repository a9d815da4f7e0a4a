import { describe, expect, it } from '@jest/globals';
import { backupListing, rotationAnswer } from './BackupAnswer.js';
import type { RotationPlan } from './retention/planRotation.js';

const plan: RotationPlan = {
  kept: [
    {
      file: 'notes_2026-11-26T10-00-00.000Z.sql',
      reasons: [
        { rule: 'newest', count: 5 },
        { rule: 'week', period: '2026-11-22' },
        { rule: 'month', period: '2026-11' },
      ],
    },
  ],
  archived: ['notes_2026-10-02T18-00-00.000Z.sql'],
  deletedFromMain: ['notes_2025-01-01T00-00-00.000Z.sql'],
  deletedFromArchive: ['notes_2025-11-20T18-00-00.000Z.sql'],
  skipped: [{ file: 'notes_2026-10-01T18-00-00.000Z.sql', cause: 'archive-name-taken' }],
  stalePartials: ['notes_2026-11-24T10-00-00.000Z.sql.partial'],
  futureDated: ['notes_2027-11-26T10-00-00.000Z.sql'],
  archiveCutoff: new Date('2025-11-26T19:27:52.100Z'),
};

describe('the wire contract', () => {
  it('words a typed plan the way the API has always answered it', () => {
    expect(rotationAnswer(plan)).toEqual({
      kept: [{ file: 'notes_2026-11-26T10-00-00.000Z.sql', reasons: ['newest 5', 'week 2026-11-22', 'month 2026-11'] }],
      archived: ['notes_2026-10-02T18-00-00.000Z.sql'],
      deleted: ['notes_2025-01-01T00-00-00.000Z.sql', 'archive/notes_2025-11-20T18-00-00.000Z.sql'],
      skipped: [{ file: 'notes_2026-10-01T18-00-00.000Z.sql', reason: 'archive/notes_2026-10-01T18-00-00.000Z.sql already exists' }],
      stalePartials: ['notes_2026-11-24T10-00-00.000Z.sql.partial'],
      futureDated: ['notes_2027-11-26T10-00-00.000Z.sql'],
      archiveCutoff: '2025-11-26T19:27:52.100Z',
    });
  });

  it('names the database a listing is narrowed to', () => {
    expect(backupListing(plan, 'notes')).toMatchObject({ database: 'notes', archived: plan.archived });
    expect(backupListing(plan, null).database).toBeNull();
  });
});

import { describe, expect, it } from '@jest/globals';
import { formatBackupFileName } from '../retention/backupFileName.js';
import { planRotation } from '../retention/planRotation.js';
import { DEFAULT_RETENTION_POLICY } from '../retention/RetentionPolicy.js';
import { planBucketRotation } from './planBucketRotation.js';
import { purgedRecords } from './purgedRecords.js';

const NOW = new Date('2026-11-26T20:00:00.000Z'); // archive cutoff 2025-11-26T20:00:00.000Z
const b = (iso: string, database = 'notes') => formatBackupFileName(database, new Date(iso));
const remote = (files: string[]) => files.map((file) => ({ file, key: file, bytes: 1 }));
const OLD = b('2025-01-10T00:00:00Z');
const RECENT = b('2026-10-10T00:00:00Z');

describe('purgedRecords: a record goes with the last copy of its backup', () => {
  it.each([
    ['an expired archived backup takes its record', { archived: [OLD], records: [OLD] }, [OLD]],
    [
      'an expired backup still in the folder takes its record',
      { backups: [RECENT, OLD], records: [RECENT, OLD], policy: { keepLast: 1 } },
      [OLD],
    ],
    ['an archived backup keeps its record', { backups: [RECENT], records: [RECENT] }, []],
    ['a purged backup with no record deletes no record', { archived: [OLD], records: [] }, []],
    ['an old record whose backup is in neither place goes (a purge that failed half-way)', { records: [OLD] }, [OLD]],
    ['a recent record whose backup is in neither place stays', { records: [RECENT] }, []],
    ["another database's old record stays", { records: [b('2025-01-10T00:00:00Z', 'shop')] }, []],
    [
      'an expired copy in the archive while one of that name is kept in the folder keeps the record',
      { backups: [OLD], archived: [OLD], records: [OLD], policy: { keepLast: 1 } },
      [],
    ],
  ])('%s', (_case, given: { backups?: string[]; archived?: string[]; records: string[]; policy?: object }, expected) => {
    const listing = { backups: remote(given.backups ?? []), archived: remote(given.archived ?? []), records: new Set(given.records) };
    const policy = { ...DEFAULT_RETENTION_POLICY, ...given.policy };

    const plan = planBucketRotation(listing, NOW, policy, 'notes');

    expect(purgedRecords(listing, plan, 'notes')).toEqual(expected);
  });
});

describe('planBucketRotation', () => {
  it("is planRotation of the bucket's names, narrowed to one database", () => {
    const backups = [b('2026-11-20T00:00:00Z'), b('2026-06-01T00:00:00Z'), b('2026-06-02T00:00:00Z'), b('2026-06-01T00:00:00Z', 'shop')];
    const archived = [OLD, b('2024-01-01T00:00:00Z', 'shop')];
    const policy = { ...DEFAULT_RETENTION_POLICY, keepLast: 1 };

    const all = planBucketRotation({ backups: remote(backups), archived: remote(archived) }, NOW, policy);
    const notes = planBucketRotation({ backups: remote(backups), archived: remote(archived) }, NOW, policy, 'notes');

    expect(all).toEqual(planRotation({ backups, archived }, NOW, policy));
    expect(notes.archived).toEqual([b('2026-06-01T00:00:00Z')]);
    expect(notes.deletedFromArchive).toEqual([OLD]);
    expect(all.deletedFromArchive).toEqual([OLD, b('2024-01-01T00:00:00Z', 'shop')]);
  });
});

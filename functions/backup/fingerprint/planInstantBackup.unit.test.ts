import { describe, expect, it } from '@jest/globals';
import type { BackupOrigin } from '../folder/BackupManifest.js';
import type { DatabaseFingerprint } from './DatabaseFingerprint.js';
import { SAMPLE_FINGERPRINT } from '../../../test/support/sampleFingerprint.js';
import { fingerprintSha256, fingerprintToJson } from './fingerprintJson.js';
import { type InstantBackupInput, planInstantBackup } from './planInstantBackup.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 6, 12);
const state: DatabaseFingerprint = SAMPLE_FINGERPRINT;
const SHAPE = 'pg_dump (PostgreSQL) 15.20 --format=plain as postgres; plain; not encrypted';
const FILE = 'notes_2026-12-06T11-00-00.000Z.sql';
const origin: BackupOrigin = { fingerprint: fingerprintToJson(state), shape: SHAPE, dumpedAtMs: NOW - HOUR };
const input: InstantBackupInput = {
  full: false,
  fullEveryMs: 24 * HOUR,
  nowMs: NOW,
  now: state,
  shape: SHAPE,
  extension: '.sql',
  newest: { file: FILE, sha256: 'ab'.repeat(32), origin },
};
const given = (change: Partial<InstantBackupInput>): InstantBackupInput => ({ ...input, ...change });
const newest = (change: Partial<NonNullable<InstantBackupInput['newest']>>) => given({ newest: { ...input.newest!, ...change } });
const recorded = (change: Partial<BackupOrigin>) => newest({ origin: { ...origin, ...change } });

describe('planInstantBackup', () => {
  it('reuses the newest backup when every fact agrees', () => {
    expect(planInstantBackup(input)).toEqual({
      dump: false,
      from: FILE,
      sha256: 'ab'.repeat(32),
      origin,
      reason: `the database is as it was when ${FILE} was dumped`,
    });
  });

  it('reuses an encrypted backup whose recorded digest equals the state now', () => {
    const sealed = { shape: SHAPE, dumpedAtMs: NOW - HOUR, fingerprintSha256: fingerprintSha256(state) };

    expect(planInstantBackup(newest({ file: `${FILE}.age`, origin: sealed }))).toMatchObject({ dump: true });
    expect(planInstantBackup({ ...newest({ file: `${FILE}.age`, origin: sealed }), extension: '.sql.age' })).toMatchObject({
      dump: false,
      from: `${FILE}.age`,
    });
  });

  // Every row is a reason to dump: each fact that is unknown, unreadable or different.
  const dumps: [string, InstantBackupInput, string | RegExp][] = [
    ['a full backup asked for', given({ full: true }), 'a full backup was asked for'],
    ['BACKUP_FULL_EVERY 0', given({ fullEveryMs: 0 }), 'BACKUP_FULL_EVERY is 0: every backup is a dump'],
    [
      'no fingerprint now',
      given({ now: { missing: 'this database path reads no fingerprint' } }),
      'this database path reads no fingerprint',
    ],
    ['no earlier backup', given({ newest: undefined }), 'no earlier backup of this database in the folder'],
    ['no recorded checksum', newest({ sha256: undefined }), `${FILE} has no recorded checksum`],
    ['it failed its last verification', newest({ verified: { ok: false } }), `${FILE} failed its last verification`],
    [
      'another name of its file failed its last verification',
      newest({ sameFileFailed: 'notes_2026-12-01T10-00-00.000Z.sql' }),
      `${FILE} is the same file as notes_2026-12-01T10-00-00.000Z.sql, which failed its last verification`,
    ],
    ['no recorded state (dump not proved)', newest({ origin: undefined }), /records no database state/],
    ['a recorded origin without a state', recorded({ fingerprint: undefined }), /records no database state/],
    ['another extension (compression changed)', given({ extension: '.sql.gz' }), `${FILE} is not a .sql.gz backup (the settings changed)`],
    [
      'another pg_dump',
      recorded({ shape: 'pg_dump (PostgreSQL) 16.4 --format=plain as postgres; plain; not encrypted' }),
      /was dumped otherwise/,
    ],
    [
      'its dump too old',
      recorded({ dumpedAtMs: NOW - 25 * HOUR }),
      `the dump ${FILE} holds is 25 h 0 min old (BACKUP_FULL_EVERY 24 h 0 min)`,
    ],
    ['its dump exactly BACKUP_FULL_EVERY old', recorded({ dumpedAtMs: NOW - 24 * HOUR }), /is 24 h 0 min old/],
    [
      'its dump in the future (a clock set back)',
      recorded({ dumpedAtMs: NOW + 10 * 60_000 }),
      /began after now by this clock \(10 min ahead\)/,
    ],
    [
      'a garbled recorded state',
      recorded({ fingerprint: { ...fingerprintToJson(state), nextXid: 'x' } }),
      /unreadable: fingerprint: nextXid is not an integer/,
    ],
    [
      'a transaction ended since',
      given({ now: { ...state, nextXid: 3523n } }),
      `the database or its server changed since ${FILE}: nextXid moved 3521 → 3523`,
    ],
    ['a transaction running now', given({ now: { ...state, xidLocks: 1 } }), /transaction id locks moved 0 → 1/],
    [
      'a sequence moved (nextval, no transaction id)',
      given({ now: { ...state, sequences: [{ ...state.sequences[0]!, lastValue: 4n }] } }),
      /sequence public\.notes_id_seq 3 → 4/,
    ],
    [
      'an unreadable sequence now',
      given({ now: { ...state, uncertain: ['sequence public.x is not readable'] } }),
      /uncertain: sequence public\.x/,
    ],
    [
      'an encrypted backup whose digest differs',
      given({
        extension: '.sql.age',
        newest: { file: `${FILE}.age`, sha256: 'ab'.repeat(32), origin: { shape: SHAPE, dumpedAtMs: NOW - HOUR, fingerprintSha256: '00' } },
      }),
      /changed since .*\(an encrypted backup records only a digest of its state\)/,
    ],
  ];

  it.each(dumps)('dumps: %s', (_case, facts, reason) => {
    const plan = planInstantBackup(facts);

    expect(plan.dump).toBe(true);
    expect(plan.reason).toMatch(reason);
  });

  it('names at most three changes, and how many more', () => {
    const now = { ...state, nextXid: 1n, timeline: 2, databaseOid: 1, serverVersionNum: 1 };

    expect(planInstantBackup(given({ now })).reason).toMatch(/; and 1 more$/);
  });
});

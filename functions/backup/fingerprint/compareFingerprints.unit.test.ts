import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compareFingerprints, sameState } from './compareFingerprints.js';
import type { DatabaseFingerprint } from './DatabaseFingerprint.js';
import { SAMPLE_FINGERPRINT } from '../../../test/support/sampleFingerprint.js';
import { fingerprintFromJson, fingerprintToJson } from './fingerprintJson.js';
import { dumpProofGap, provesDump } from './provesDump.js';

const base: DatabaseFingerprint = SAMPLE_FINGERPRINT;
const differing = (change: Partial<DatabaseFingerprint>): DatabaseFingerprint => ({ ...base, ...change });

describe('compareFingerprints', () => {
  const cases: [string, DatabaseFingerprint, string[], DatabaseFingerprint?][] = [
    ['nothing changed', differing({}), []],
    ['a transaction ended', differing({ nextXid: 3523n }), ['nextXid moved 3521 → 3523']],
    ['a sequence moved', differing({ sequences: [{ ...base.sequences[0]!, lastValue: 4n }] }), ['sequence public.notes_id_seq 3 → 4']],
    [
      'setval(…, false)',
      differing({ sequences: [{ ...base.sequences[0]!, isCalled: false }] }),
      ['sequence public.notes_id_seq 3 → 3 (not called)'],
    ],
    ['a sequence dropped', differing({ sequences: [] }), ['sequence public.notes_id_seq dropped']],
    [
      'a sequence created',
      differing({ sequences: [...base.sequences, { oid: 16400, name: 'public.more', lastValue: 1n, isCalled: false }] }),
      ['sequence public.more created'],
    ],
    ['another cluster', differing({ systemIdentifier: 1n }), ['system identifier moved 7716067577823045758 → 1']],
    ['the database created again', differing({ databaseOid: 16500 }), ['database oid moved 16384 → 16500']],
    ['a transaction running', differing({ xidLocks: 1 }), ['transaction id locks moved 0 → 1']],
    [
      'an unlogged table emptied by crash recovery',
      { ...base, unloggedTables: [{ oid: 16420, name: 'public.cache', bytes: 0n }] },
      ['unlogged tables [public.cache 8192 bytes] → [public.cache 0 bytes]'],
      { ...base, unloggedTables: [{ oid: 16420, name: 'public.cache', bytes: 8192n }] },
    ],
    ['uncertain', differing({ uncertain: ['sequence public.x is not readable'] }), ['uncertain: sequence public.x is not readable']],
  ];

  it.each(cases)('%s', (_case, after, reasons, before = base) => {
    expect(compareFingerprints(before, after)).toEqual(reasons);
    expect(sameState(before, after)).toBe(reasons.length === 0);
  });

  it('an uncertain fingerprint is not the same as itself', () => {
    const uncertain = differing({ uncertain: ['sequence public.x is not readable'] });

    expect(sameState(uncertain, uncertain)).toBe(false);
  });
});

describe('provesDump', () => {
  const cases: [string, DatabaseFingerprint, DatabaseFingerprint, string | undefined][] = [
    ['nothing running, nothing changed', base, base, undefined],
    [
      'a transaction running before',
      differing({ runningXids: [3519n] }),
      differing({ runningXids: [3519n] }),
      'before the dump: transactions in progress: 3519',
    ],
    [
      'the newest transaction running before',
      differing({ xidLocks: 1 }),
      differing({ xidLocks: 1 }),
      'before the dump: 1 transaction id lock(s) held',
    ],
    ['a commit during the dump', base, differing({ nextXid: 3522n }), 'changed during the dump: nextXid moved 3521 → 3522'],
  ];

  it.each(cases)('%s', (_case, before, after, gap) => {
    expect(dumpProofGap(before, after)).toBe(gap);
    expect(provesDump(before, after)).toBe(gap === undefined);
  });
});

describe('the JSON form', () => {
  const bigint = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
  const fingerprint: fc.Arbitrary<DatabaseFingerprint> = fc.record({
    systemIdentifier: bigint,
    timeline: fc.nat(),
    databaseOid: fc.nat(),
    serverVersionNum: fc.nat(),
    nextXid: bigint,
    runningXids: fc.array(bigint),
    xidLocks: fc.nat(),
    sequences: fc.array(
      fc.oneof(
        fc.record({ oid: fc.nat(), name: fc.string() }),
        fc.record({
          oid: fc.nat(),
          name: fc.string(),
          lastValue: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
          isCalled: fc.boolean(),
        }),
      ),
    ),
    unloggedTables: fc.array(fc.record({ oid: fc.nat(), name: fc.string(), bytes: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }) })),
    uncertain: fc.array(fc.string()),
  });

  it('reads back what it wrote, through JSON text', () => {
    fc.assert(
      fc.property(fingerprint, (written) => {
        const read = fingerprintFromJson(JSON.parse(JSON.stringify(fingerprintToJson(written))));

        expect(read).toEqual(written);
      }),
    );
  });

  const broken: [string, (json: Record<string, unknown>) => void, string][] = [
    ['an unknown key', (json) => Object.assign(json, { walLsn: '0/1' }), 'fingerprint: fingerprint has an unknown key "walLsn"'],
    ['nextXid as a number', (json) => Object.assign(json, { nextXid: 3521 }), 'fingerprint: nextXid is not an integer in a string'],
    [
      'a sequence without isCalled',
      (json) => Object.assign(json, { sequences: [{ oid: 1, name: 's', lastValue: '3' }] }),
      'fingerprint: sequences[0].isCalled is not true or false',
    ],
    ['uncertain missing', (json) => delete json.uncertain, 'fingerprint: uncertain is not a list'],
    ['recorded before unlogged tables were', (json) => delete json.unloggedTables, 'fingerprint: unloggedTables is not a list'],
  ];

  it.each(broken)('refuses %s, naming it', (_case, damage, message) => {
    const json = fingerprintToJson(base) as unknown as Record<string, unknown>;
    damage(json);

    expect(() => fingerprintFromJson(json)).toThrow(message);
  });
});

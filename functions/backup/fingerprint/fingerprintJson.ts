import { createHash } from 'node:crypto';
import type { DatabaseFingerprint } from './DatabaseFingerprint.js';

/** The fingerprint as the manifest stores it: JSON, with every 64-bit value as a decimal string. */
export interface FingerprintJson {
  systemIdentifier: string;
  timeline: number;
  databaseOid: number;
  serverVersionNum: number;
  nextXid: string;
  runningXids: string[];
  xidLocks: number;
  sequences: { oid: number; name: string; lastValue?: string; isCalled?: boolean }[];
  unloggedTables: { oid: number; name: string; bytes: string }[];
  uncertain: string[];
}

/** The JSON form of `fingerprint` (JSON.stringify cannot write a bigint). Pure. */
export function fingerprintToJson(fingerprint: DatabaseFingerprint): FingerprintJson {
  return {
    ...fingerprint,
    systemIdentifier: String(fingerprint.systemIdentifier),
    nextXid: String(fingerprint.nextXid),
    runningXids: fingerprint.runningXids.map(String),
    sequences: fingerprint.sequences.map(({ oid, name, lastValue, isCalled }) =>
      lastValue === undefined ? { oid, name } : { oid, name, lastValue: String(lastValue), isCalled },
    ),
    unloggedTables: fingerprint.unloggedTables.map(({ oid, name, bytes }) => ({ oid, name, bytes: String(bytes) })),
    uncertain: [...fingerprint.uncertain],
  };
}

const KEYS = [
  'systemIdentifier',
  'timeline',
  'databaseOid',
  'serverVersionNum',
  'nextXid',
  'runningXids',
  'xidLocks',
  'sequences',
  'unloggedTables',
  'uncertain',
];
const SEQUENCE_KEYS = ['oid', 'name', 'lastValue', 'isCalled'];
const UNLOGGED_TABLE_KEYS = ['oid', 'name', 'bytes'];

/**
 * Reads back what fingerprintToJson wrote (as parsed by JSON.parse). Throws an error naming the first
 * key that is missing, unknown or of the wrong type: a manifest entry that does not hold a whole
 * fingerprint proves nothing.
 */
export function fingerprintFromJson(value: unknown): DatabaseFingerprint {
  const json = record(value, 'fingerprint', KEYS);
  return {
    systemIdentifier: integer(json.systemIdentifier, 'systemIdentifier'),
    timeline: count(json.timeline, 'timeline'),
    databaseOid: count(json.databaseOid, 'databaseOid'),
    serverVersionNum: count(json.serverVersionNum, 'serverVersionNum'),
    nextXid: integer(json.nextXid, 'nextXid'),
    runningXids: list(json.runningXids, 'runningXids').map((xid, index) => integer(xid, `runningXids[${index}]`)),
    xidLocks: count(json.xidLocks, 'xidLocks'),
    sequences: list(json.sequences, 'sequences').map((item, index) => {
      const where = `sequences[${index}]`;
      const sequence = record(item, where, SEQUENCE_KEYS);
      const read = { oid: count(sequence.oid, `${where}.oid`), name: text(sequence.name, `${where}.name`) };
      if (sequence.lastValue === undefined && sequence.isCalled === undefined) return read;
      if (typeof sequence.isCalled !== 'boolean') throw new Error(`fingerprint: ${where}.isCalled is not true or false`);
      return { ...read, lastValue: integer(sequence.lastValue, `${where}.lastValue`), isCalled: sequence.isCalled };
    }),
    // Missing in what was recorded before unlogged tables were: such a fingerprint proves nothing.
    unloggedTables: list(json.unloggedTables, 'unloggedTables').map((item, index) => {
      const where = `unloggedTables[${index}]`;
      const table = record(item, where, UNLOGGED_TABLE_KEYS);
      return {
        oid: count(table.oid, `${where}.oid`),
        name: text(table.name, `${where}.name`),
        bytes: integer(table.bytes, `${where}.bytes`),
      };
    }),
    uncertain: list(json.uncertain, 'uncertain').map((reason, index) => text(reason, `uncertain[${index}]`)),
  };
}

function record(value: unknown, where: string, keys: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`fingerprint: ${where} is not an object`);
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined) throw new Error(`fingerprint: ${where} has an unknown key "${unknown}"`);
  return value as Record<string, unknown>;
}

function integer(value: unknown, where: string): bigint {
  if (typeof value !== 'string' || !/^-?\d{1,20}$/.test(value)) throw new Error(`fingerprint: ${where} is not an integer in a string`);
  return BigInt(value);
}

function count(value: unknown, where: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Error(`fingerprint: ${where} is not a whole number`);
  return value as number;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`fingerprint: ${where} is not a string`);
  return value;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`fingerprint: ${where} is not a list`);
  return value;
}

/** The sha256 of the fingerprint's JSON form: equal for equal fingerprints, and telling nothing of them. */
export function fingerprintSha256(fingerprint: DatabaseFingerprint): string {
  return createHash('sha256')
    .update(JSON.stringify(fingerprintToJson(fingerprint)))
    .digest('hex');
}

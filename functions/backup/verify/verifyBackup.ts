import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { BackupManifest, Verification } from '../folder/BackupManifest.js';
import { RowCounter, type DumpContents } from './RowCounter.js';
import type { ScratchDatabase } from './ScratchDatabase.js';

export interface VerifyResult extends Verification {
  file: string;
  path: string;
  /** Tables and rows the scratch database held after the restore (when it got that far). */
  restored?: { tables: number; rows: number; largeObjects: number };
  /** The scratch database could not be had (server down, no CREATEDB): nothing is known of the backup. */
  unverified?: boolean;
  durationMs: number;
}

/**
 * Proves one backup without touching any real database: its sha256 against the one recorded when it
 * was written, then a restore into a scratch database whose every table's row count (and large
 * objects) must match the counts recorded at backup time. Returns `ok` or exactly what differs.
 */
export async function verifyBackup(
  path: string,
  manifest: BackupManifest,
  scratch: ScratchDatabase,
  clock: () => Date = () => new Date(),
): Promise<VerifyResult> {
  const started = performance.now();
  const file = basename(path);
  const done = (problems: string[], restored?: VerifyResult['restored']): VerifyResult => ({
    file,
    path,
    at: clock().toISOString(),
    ok: problems.length === 0,
    problems,
    ...(restored ? { restored } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  const recorded = await manifest.entry(file);
  if (!recorded.sha256) {
    return done([`no checksum was recorded for it (no entry in SHA256SUMS): it cannot be proven unchanged`]);
  }
  const read = await readBackup(path);
  if (read.sha256 !== recorded.sha256) {
    return done([
      `its sha256 is not the one recorded when it was written (changed or damaged since): recorded ${recorded.sha256}, now ${read.sha256}`,
    ]);
  }
  if (read.problem) return done([read.problem]);
  let contents: DumpContents;
  try {
    contents = await scratch.restore(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'DATABASE_UNAVAILABLE' || code === 'TARGET_REFUSED') {
      return { ...done([`it could not be verified: no scratch database (${(error as Error).message})`]), unverified: true };
    }
    return done([`it does not restore: ${(error as Error).message}`]);
  }
  const restored = {
    tables: Object.keys(contents.rows).length,
    rows: Object.values(contents.rows).reduce((sum, n) => sum + n, 0),
    largeObjects: contents.largeObjects,
  };
  const expected = recorded.contents ?? read.contents;
  const problems = compare(expected, contents);
  if (!recorded.contents) problems.push('no row counts were recorded when it was written: compared with the counts in the file itself');
  return done(problems, restored);
}

/** Each table whose restored row count differs from the count recorded, and the large objects. */
function compare(expected: DumpContents, restored: DumpContents): string[] {
  const problems = Object.entries(expected.rows).flatMap(([table, rows]) => {
    const got = restored.rows[table];
    if (got === undefined) return [`table ${table}: ${rows} rows when written, missing after the restore`];
    return got === rows ? [] : [`table ${table}: ${rows} rows when written, ${got} after the restore`];
  });
  if (expected.largeObjects !== restored.largeObjects) {
    problems.push(`large objects: ${expected.largeObjects} when written, ${restored.largeObjects} after the restore`);
  }
  return problems;
}

/** The file's sha256 and, in the same pass, the rows it holds (gunzipped for `.gz`); a file cut short is said so. */
async function readBackup(path: string): Promise<{ sha256: string; contents: DumpContents; problem?: string }> {
  const hash = createHash('sha256');
  const counter = new RowCounter();
  const file = createReadStream(path);
  file.on('data', (chunk) => hash.update(chunk as Buffer));
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, next) => {
      counter.push(chunk);
      next();
    },
  });
  try {
    await (path.endsWith('.gz') ? pipeline(file, createGunzip(), sink) : pipeline(file, sink));
    return { sha256: hash.digest('hex'), contents: counter.end() };
  } catch (error) {
    // A corrupt gzip stops the read part-way: hash the whole file on its own for the checksum comparison.
    const whole = createHash('sha256');
    await pipeline(createReadStream(path), whole);
    return { sha256: whole.digest('hex'), contents: counter.end(), problem: `it cannot be read whole: ${(error as Error).message}` };
  }
}

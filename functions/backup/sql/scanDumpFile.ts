import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { type DumpFacts, DumpScanner } from './DumpScanner.js';
import { openDump } from './openDump.js';

/** A backup file read once: its sha256 as stored, and what its SQL holds. */
export interface ScannedDump {
  sha256: string;
  facts: DumpFacts;
  /** It could not be read whole (a corrupt gzip): `facts` are of the part that could. */
  problem?: string;
}

/** Reads a backup file once (gunzipping `.gz`): its sha256 and its facts. Never changes it. */
export async function scanDumpFile(path: string): Promise<ScannedDump> {
  const hash = createHash('sha256');
  const scanner = new DumpScanner();
  try {
    for await (const chunk of openDump(path, (bytes) => hash.update(bytes))) scanner.push(chunk as Buffer);
    return { sha256: hash.digest('hex'), facts: scanner.end() };
  } catch (error) {
    // A corrupt gzip stops the read part-way: the whole file is hashed on its own for the checksum.
    const whole = createHash('sha256');
    await pipeline(createReadStream(path), whole);
    return { sha256: whole.digest('hex'), facts: scanner.end(), problem: `it cannot be read whole: ${(error as Error).message}` };
  }
}

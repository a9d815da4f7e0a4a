import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { DecryptionError } from '../encryption/DecryptionError.js';
import type { AgeIdentity } from '../encryption/readIdentityFile.js';
import { type DumpFacts, DumpScanner } from './DumpScanner.js';
import { openDump } from './openDump.js';

/** A backup file read once: its sha256 as stored, and what its SQL holds. */
export interface ScannedDump {
  sha256: string;
  facts: DumpFacts;
  /** It could not be read whole (a corrupt gzip, a damaged encrypted file): `facts` are of the part that could. */
  problem?: string;
  /**
   * It is encrypted and could not be decrypted: no identity was given or none given opens it (then its
   * contents were not read at all, which says nothing against the file), or it is damaged (then `problem` says so too).
   */
  decryption?: DecryptionError;
}

/**
 * Reads a backup file once (decrypting `.age` with `identity`, gunzipping `.gz`): its sha256 as stored
 * (of the ciphertext for `.age`) and its facts. Never changes it. An `.age` file without `identity`
 * is only hashed.
 */
export async function scanDumpFile(path: string, identity?: AgeIdentity): Promise<ScannedDump> {
  const hash = createHash('sha256');
  const scanner = new DumpScanner();
  try {
    for await (const chunk of openDump(path, { onFileBytes: (bytes) => hash.update(bytes), ...(identity ? { identity } : {}) })) {
      scanner.push(chunk as Buffer);
    }
    return { sha256: hash.digest('hex'), facts: scanner.end() };
  } catch (error) {
    // A corrupt gzip or ciphertext stops the read part-way: the whole file is hashed on its own for the checksum.
    const whole = createHash('sha256');
    await pipeline(createReadStream(path), whole);
    const sha256 = whole.digest('hex');
    if (error instanceof DecryptionError && error.code !== 'ENCRYPTED_BACKUP_DAMAGED') {
      return { sha256, facts: scanner.end(), decryption: error };
    }
    return {
      sha256,
      facts: scanner.end(),
      problem: `it cannot be read whole: ${(error as Error).message}`,
      ...(error instanceof DecryptionError ? { decryption: error } : {}),
    };
  }
}

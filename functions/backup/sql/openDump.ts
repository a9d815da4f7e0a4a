import { createReadStream } from 'node:fs';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { decryptAge } from '../encryption/decryptAge.js';
import { identityNeeded, isEncryptedBackup } from '../encryption/identityNeeded.js';
import type { AgeIdentity } from '../encryption/readIdentityFile.js';

export interface OpenDumpOptions {
  /** Hears each chunk of the file as stored (ciphertext for `.age`), for a checksum or progress. */
  onFileBytes?: (chunk: Buffer) => void;
  /** Opens `.age` backups; without it an `.age` backup is refused (IDENTITY_NEEDED). */
  identity?: AgeIdentity;
}

/**
 * A backup file's SQL as a stream of Buffers, never decoded: decrypted when the name ends in `.age`
 * (authenticated chunk by chunk, decryptAge), then gunzipped when it ends in `.gz` (before `.age`).
 * An error reading, decrypting or gunzipping ends the SQL stream with that error (a DecryptionError for
 * a wrong identity or a damaged file). Throws DecryptionError IDENTITY_NEEDED at once for an `.age`
 * file without `identity`.
 */
export function openDump(path: string, options: OpenDumpOptions = {}): Readable {
  const encrypted = isEncryptedBackup(path);
  if (encrypted && !options.identity) throw identityNeeded(path);
  const file = createReadStream(path);
  const { onFileBytes } = options;
  if (onFileBytes) file.on('data', (chunk) => onFileBytes(chunk as Buffer));
  const stages: Transform[] = [
    ...(encrypted ? [decryptAge(options.identity!)] : []),
    ...(path.replace(/\.age$/, '').endsWith('.gz') ? [createGunzip()] : []),
  ];
  if (stages.length === 0) return file;
  // Any stage's error destroys every stage with it: the reader of the SQL sees it. A reader that stops early is no error.
  return pipeline([file, ...stages], () => undefined) as unknown as Readable;
}

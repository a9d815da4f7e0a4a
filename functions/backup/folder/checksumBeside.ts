import { basename, dirname, join } from 'node:path';
import { readBookkeepingFile } from './bookkeepingFile.js';

/**
 * The sha256 a `SHA256SUMS` file in the same folder as `path` lists for it (`sha256sum` format), when
 * there is one: a backup copied off with its folder's SHA256SUMS can still be proven unchanged.
 */
export async function checksumBeside(path: string): Promise<string | undefined> {
  const text = await readBookkeepingFile(join(dirname(path), 'SHA256SUMS')).catch(() => undefined);
  const name = basename(path);
  for (const line of (text ?? '').split('\n')) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (match && match[2] === name) return match[1];
  }
  return undefined;
}

import { createHash, randomBytes } from 'node:crypto';

/** What a side database of a --clean is for: the restore in progress, or the target it replaced. */
export type SideRole = 'restoring' | 'replaced';

/** PostgreSQL cuts names to 63 bytes (NAMEDATALEN - 1), not characters. */
const NAME_BYTES = 63;
/** `__restoring_` (the longer of the two) and 8 hex digits. */
const SUFFIX_BYTES = '__restoring_'.length + 8;

/**
 * The name of a side database of `target` (`<target>__restoring_<hex>`), never longer than 63 bytes, so
 * PostgreSQL keeps its random suffix. A target too long for that is cut at a character boundary and
 * followed by a hash of its full name: two long targets sharing a prefix never share side databases.
 */
export function sideDatabaseName(target: string, role: SideRole, random = randomBytes(4).toString('hex')): string {
  return `${sidePrefix(target)}__${role}_${random}`;
}

/** Whether `name` is a side database of `target` (one `sideDatabaseName` made, whatever its random part). */
export function isSideDatabaseOf(name: string, target: string): boolean {
  const prefix = sidePrefix(target);
  if (!name.startsWith(prefix)) return false;
  return /^__(restoring|replaced)_[0-9a-f]{8}$/.test(name.slice(prefix.length));
}

function sidePrefix(target: string): string {
  const budget = NAME_BYTES - SUFFIX_BYTES;
  if (Buffer.byteLength(target) <= budget) return target;
  const hash = `~${createHash('sha256').update(target).digest('hex').slice(0, 6)}`;
  let cut = '';
  for (const character of target) {
    if (Buffer.byteLength(cut + character) + hash.length > budget) break;
    cut += character;
  }
  return cut + hash;
}

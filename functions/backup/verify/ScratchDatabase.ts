import type { AgeIdentity } from '../encryption/readIdentityFile.js';
import type { DumpFacts } from '../sql/DumpScanner.js';
import type { ScannedDump } from '../sql/scanDumpFile.js';

/**
 * A throw-away database a backup is restored into to prove it: the backup is restored there, that
 * database is dumped again the way backups are dumped, and the scratch database is gone after.
 */
export interface ScratchDatabase {
  /** Restores `path` (as `scanned` read it; decrypted with `identity` when `.age`) and returns what dumping the restored database again gives; throws when it does not restore. */
  restoreAndRedump(path: string, scanned: ScannedDump, identity?: AgeIdentity): Promise<DumpFacts>;
  /** Drops what an interrupted `restoreAndRedump` left (Ctrl-C during verify). */
  abandon?(): Promise<void>;
}

import type { DumpContents } from './RowCounter.js';

/** A throw-away database a backup is restored into to prove it: rows per table and large objects, then gone. */
export interface ScratchDatabase {
  restore(path: string): Promise<DumpContents>;
}

import type { DumpSource } from './DumpSource.js';

let installed: DumpSource | undefined;

/**
 * The dump source of the embedded database, installed by `npm start` when it runs PGlite in this
 * process (the native pg_dump cannot talk to it). Unset everywhere else: Lambda, `npm run api`, tests.
 */
export function installEmbeddedDumpSource(source: DumpSource | undefined): void {
  installed = source;
}

/** The installed embedded dump source, if `npm start` runs the embedded database. */
export function embeddedDumpSource(): DumpSource | undefined {
  return installed;
}

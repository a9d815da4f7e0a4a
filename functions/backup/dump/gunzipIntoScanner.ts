import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { DumpScanner } from '../sql/DumpScanner.js';

/**
 * A gunzip whose output goes to `scanner`: a gzip backup's SQL is counted without a second pass.
 * `scanned` settles when the gunzip ends, with its error (a corrupt gzip) instead of rejecting, so a
 * failure while the dump still runs is never unhandled.
 */
export function gunzipIntoScanner(scanner: DumpScanner): { gunzip: Gunzip; scanned: Promise<Error | undefined> } {
  const gunzip = createGunzip();
  const scan = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      scanner.push(chunk);
      done();
    },
  });
  const scanned = pipeline(gunzip, scan).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  return { gunzip, scanned };
}

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * A backup file's SQL as a stream of Buffers (gunzipped when the name ends in `.gz`), never decoded.
 * `onFileBytes` hears each chunk of the file as read (for a checksum or progress). An error reading
 * the file ends the SQL stream with that error.
 */
export function openDump(path: string, onFileBytes?: (chunk: Buffer) => void): Readable {
  const file = createReadStream(path);
  if (onFileBytes) file.on('data', (chunk) => onFileBytes(chunk as Buffer));
  if (!path.endsWith('.gz')) return file;
  const sql = file.pipe(createGunzip());
  file.on('error', (error) => sql.destroy(error));
  return sql;
}

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/**
 * The text of a small file a setting names (BACKUP_ENCRYPT_RECIPIENTS_FILE), read at start. Only a
 * regular file of at most `maxBytes` is read: a directory, a device (`/dev/zero`, endless) or a FIFO
 * (whose open would wait for a writer, holding the start for ever) is refused, opened without blocking
 * and without reading a byte of it. Throws an Error saying why (the caller names the setting).
 */
export function readSettingFile(path: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${path} is ${kindOf(stats)}, not a file`);
    if (stats.size > maxBytes) throw new Error(`${path} is ${stats.size} bytes, more than ${maxBytes}`);
    // Read to the bound, not to the size: a file that grows meanwhile is still cut off there.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) throw new Error(`${path} is longer than ${maxBytes} bytes`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

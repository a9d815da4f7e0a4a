import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The sha256 of the file at `path` while `writer` (another process) is still writing it: reads what
 * has been written so far, waits a little when it catches up, and after `writer` settles reads on to
 * the end. Each chunk also goes to `onChunk` (awaited: backpressure). The hashing overlaps the dump
 * instead of re-reading the whole file after it; memory stays at one 1 MiB buffer.
 */
export async function hashWhileWritten(path: string, writer: Promise<unknown>, onChunk?: (chunk: Buffer) => unknown): Promise<string> {
  let writerDone = false;
  const settled = writer.then(
    () => (writerDone = true),
    () => (writerDone = true),
  );
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const file = await fs.open(path, 'r');
  try {
    for (let position = 0; ; ) {
      const wasDone = writerDone;
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        // The buffer is reused for the next read: a consumer that keeps the chunk gets its own copy.
        if (onChunk) await onChunk(Buffer.from(chunk));
        position += bytesRead;
      } else if (wasDone) {
        break;
      } else {
        await Promise.race([sleep(5), settled]);
      }
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

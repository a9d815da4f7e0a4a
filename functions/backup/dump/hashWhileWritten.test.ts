import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { hashWhileWritten } from './hashWhileWritten.js';

/** Another process writing `bytes` bytes into `path` in pieces, as pg_dump does. */
function writer(path: string, megabytes: number): Promise<void> {
  const child = spawn('sh', ['-c', `for i in $(seq ${megabytes}); do head -c 1048576 /dev/urandom; sleep 0.005; done >> '${path}'`]);
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`)))),
  );
}

describe('hashWhileWritten: the sha256 of a file another process is still writing', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(() => removeFolder(dir));

  it.each([
    ['with write-behind flushing every 1 MiB (flushes run while it is written)', 1024 * 1024],
    ['without write-behind flushing', 0],
  ])("is the whole file's, %s", async (_how, flushEveryBytes) => {
    const path = join(dir, 'dump.sql');
    await writeFile(path, ''); // as the creator opens the partial file before pg_dump starts
    const writing = writer(path, 24);
    let seen = 0;

    const sha256 = await hashWhileWritten(path, writing, (chunk) => (seen += chunk.length), flushEveryBytes);

    const content = await readFile(path);
    expect(content.length).toBe(24 * 1024 * 1024);
    expect(seen).toBe(content.length);
    expect(sha256).toBe(createHash('sha256').update(content).digest('hex'));
  });
});

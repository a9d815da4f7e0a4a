import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes an executable `/bin/sh` script into `dir` and returns its path. */
export async function shellScript(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

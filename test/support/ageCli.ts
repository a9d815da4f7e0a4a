import { describe } from '@jest/globals';
import { spawnSync } from 'node:child_process';

/** Whether the `age` CLI and `age-keygen` are on PATH (Debian: apt-get install age). */
export function ageCliInstalled(): boolean {
  return ['age', 'age-keygen'].every((command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** A suite that runs the real `age` CLI: skipped with a message when it is not installed, never under CI. */
export const describeWithAgeCli: typeof describe = ((name: string, body: () => void) => {
  if (ageCliInstalled() || process.env.CI === 'true') return describe(name, body);
  process.stderr.write(`SKIPPED "${name}": the age CLI is not installed (apt-get install age; CI never skips)\n`);
  return describe.skip(name, body);
}) as typeof describe;

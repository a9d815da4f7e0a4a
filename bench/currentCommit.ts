import { execFileSync } from 'node:child_process';
import { packageRoot } from '../functions/config/packageRoot.js';

/** The checkout's commit, short, for a result file ("unknown" outside git). */
export function currentCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: packageRoot(), encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

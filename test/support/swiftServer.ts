import { execFileSync } from 'node:child_process';
import { describe } from '@jest/globals';

// The server itself lives with the bench (built, free of jest), which starts it too: one implementation.
export { SWIFT_ACCESS_KEY, SWIFT_SECRET, type SwiftServer, type SwiftServerOptions, startSwiftServer } from '../../bench/swiftServer.js';

/** Whether Debian's Swift packages are installed (`.ci/run` installs them). */
export function swiftInstalled(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v swift-proxy-server && command -v memcached'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A suite against the real Swift server: skipped with a message when Swift is not installed, never under CI. */
export const describeWithSwift: typeof describe = ((name: string, body: () => void) => {
  if (swiftInstalled() || process.env.CI === 'true') return describe(name, body);
  process.stderr.write(
    `SKIPPED "${name}": OpenStack Swift is not installed (apt-get install swift-proxy swift-account swift-container swift-object memcached; CI never skips)\n`,
  );
  return describe.skip(name, body);
}) as typeof describe;

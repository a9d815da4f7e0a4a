import { describe } from '@jest/globals';

// The server itself lives with the bench (built, free of jest), which starts it too: one implementation.
import { swiftInstalled } from '../../bench/swiftServer.js';

export {
  SWIFT_ACCESS_KEY,
  SWIFT_SECRET,
  type SwiftServer,
  type SwiftServerOptions,
  startSwiftServer,
  swiftInstalled,
} from '../../bench/swiftServer.js';

/** A suite against the real Swift server: skipped with a message when Swift is not installed, never under CI. */
export const describeWithSwift: typeof describe = ((name: string, body: () => void) => {
  if (swiftInstalled() || process.env.CI === 'true') return describe(name, body);
  process.stderr.write(
    `SKIPPED "${name}": OpenStack Swift is not installed (apt-get install swift-proxy swift-account swift-container swift-object memcached; CI never skips)\n`,
  );
  return describe.skip(name, body);
}) as typeof describe;

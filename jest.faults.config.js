/** The heavy fault suites (`npm run test:faults`): real crashes, a full disk, load. CI runs them after `npm test`. */
import base from './jest.config.js';

export default { ...base, roots: ['<rootDir>/test/faults'], testMatch: ['**/*.faults.ts'], testTimeout: 180_000 };

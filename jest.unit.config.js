/**
 * The fast tier (`npm run test:unit`, run first): the `*.unit.test.ts` files, which need no PostgreSQL
 * (server or embedded), no pty and no child process, and run on the sources (no build). `npm test`
 * runs them too: the base config matches every `*.test.ts`.
 */
import base from './jest.config.js';

export default { ...base, testMatch: ['**/*.unit.test.ts'] };

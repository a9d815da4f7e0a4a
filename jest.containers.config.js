/** The container suite (`npm run test:containers`): builds the images and runs docker compose for real. */
import base from './jest.config.js';

export default { ...base, roots: ['<rootDir>/test/containers'], testMatch: ['**/*.containers.ts'], testTimeout: 1_800_000 };

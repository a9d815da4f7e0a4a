import { describeRoundTrips } from './describeRoundTrips.js';

// npm test: 210 generated cases; `npm run test:faults` runs more (test/faults/roundTrip.faults.ts).
describeRoundTrips({ server: 100, encrypted: 30, embedded: 80, verifyEvery: 2 });

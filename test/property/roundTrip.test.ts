import { describeRoundTrips } from './describeRoundTrips.js';

// npm test: 180 generated cases; `npm run test:faults` runs more (test/faults/roundTrip.faults.ts).
describeRoundTrips({ server: 100, embedded: 80, verifyEvery: 2 });

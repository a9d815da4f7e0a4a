import { describeRoundTrips } from './describeRoundTrips.js';

// npm test: 200 generated cases; `npm run test:faults` runs more (test/faults/roundTrip.faults.ts).
describeRoundTrips({ server: 120, embedded: 80, verifyEvery: 4 });

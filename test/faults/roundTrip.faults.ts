import { describeRoundTrips } from '../property/describeRoundTrips.js';

// More generated cases than npm test runs, every embedded one verified too.
describeRoundTrips({ server: 300, encrypted: 100, embedded: 150, verifyEvery: 1 });

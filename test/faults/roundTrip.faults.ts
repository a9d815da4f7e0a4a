import { describeRoundTrips } from '../property/describeRoundTrips.js';

// More generated cases than npm test runs, every embedded one verified too.
describeRoundTrips({ server: 400, embedded: 200, verifyEvery: 1 });

import { expect, it } from '@jest/globals';
import { unsignedPayload } from './unsignedPayload.js';

it.each([
  ['AWS itself (no endpoint: https)', undefined, true],
  ['an https endpoint', 'https://s3.example.net', true],
  ['an https endpoint with a port', 'https://10.0.0.5:9000', true],
  ['the loopback over http', 'http://127.0.0.1:8080', true],
  ['another loopback address', 'http://127.4.5.6:8080', true],
  ['localhost over http', 'http://localhost:9000', true],
  ['the IPv6 loopback over http', 'http://[::1]:9000', true],
  ['another machine over plain http', 'http://10.0.0.5:9000', false],
  ['a name that only starts like the loopback', 'http://127.0.0.1.example.net', false],
  ['a name over plain http', 'http://minio.internal:9000', false],
  ['an endpoint that is not a URL', 'not a url', false],
])('%s: unsigned payload %s', (_case, endpoint, expected) => {
  expect(unsignedPayload(endpoint)).toBe(expected);
});

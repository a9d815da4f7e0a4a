import { expect, it } from '@jest/globals';
import { apiWithDatabase } from '../test/support/apiWithDatabase.js';
import { request } from 'node:http';
import { describeWithPostgres } from '../test/support/postgres.js';

/** Sends exactly these bytes with a raw target (fetch would re-encode `%FF` and `+`); the status and the JSON answer. */
function send(base: string, method: string, target: string, body?: Buffer, contentType = 'application/json') {
  return new Promise<{ status: number; json: { error?: { code: string; message: string }; note?: { title: string } } }>(
    (resolve, reject) => {
      const { hostname, port } = new URL(base);
      const outgoing = request({ hostname, port, method, path: target, headers: body ? { 'content-type': contentType } : {} }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    },
  );
}

const bytes = (text: string) => Buffer.from(text, 'latin1');

describeWithPostgres('the request as sent over HTTP, through the local gateway to the notes function (npm run api)', () => {
  const setup = apiWithDatabase();

  it.each<[string, string, Buffer, number, string]>([
    [
      'charset=latin1',
      'application/json; charset=latin1',
      bytes('{"title":"caf\xe9"}'),
      415,
      'the body must be UTF-8 (got charset "latin1")',
    ],
    [
      'charset="UTF-16"',
      'application/json; charset="UTF-16"',
      Buffer.from('{"title":"x"}', 'utf16le'),
      415,
      'the body must be UTF-8 (got charset "utf-16")',
    ],
    ['Latin-1 bytes without a charset', 'application/json', bytes('{"title":"caf\xe9"}'), 400, 'the body is not valid UTF-8'],
    ['the bytes FF FE', 'application/json', bytes('{"title":"\xff\xfe"}'), 400, 'the body is not valid UTF-8'],
  ])('refuses a body that is not UTF-8: %s', async (_case, contentType, body, status, message) => {
    const answer = await send(setup.api.url, 'POST', '/notes', body, contentType);

    expect(answer).toEqual({ status, json: { error: { code: status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'MALFORMED_JSON', message } } });
  });

  it.each([
    ['UTF-8', Buffer.from('{"title":"café 🎉"}'), 'café 🎉'],
    ['UTF-8 after a byte order mark', Buffer.from('\uFEFF{"title":"café"}'), 'café'],
  ])('stores the title of a body in %s as sent', async (_case, body, title) => {
    expect(await send(setup.api.url, 'POST', '/notes', body, 'application/json; charset=UTF-8')).toMatchObject({
      status: 201,
      json: { note: { title } },
    });
  });

  it.each([
    ['/notes?q=milk&q=tea', 'query parameter "q" is given more than once'],
    ['/notes?folderId=1&folderId=2', 'query parameter "folderId" is given more than once'],
    ['/notes?q=%FF', 'the query string is not valid percent-encoding of UTF-8'],
    ['/notes/%FF', 'the path is not valid percent-encoding of UTF-8'],
  ])('refuses GET %s with a 400 naming what is wrong', async (target, message) => {
    expect(await send(setup.api.url, 'GET', target)).toEqual({ status: 400, json: { error: { code: 'INVALID_INPUT', message } } });
  });
});

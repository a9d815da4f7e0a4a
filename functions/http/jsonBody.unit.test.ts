import { describe, expect, it } from '@jest/globals';
import type { Request } from '@middy/core';
import { AppError } from '../errors/AppError.js';
import { jsonBody } from './jsonBody.js';

/** Runs jsonBody's `before` on an event: the parsed body, or the error's code and message. */
async function parse(contentType: string, body: string | Buffer): Promise<unknown> {
  const event = {
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : body.toString('base64'),
    isBase64Encoded: typeof body !== 'string',
  };
  try {
    await jsonBody<typeof event>().before!({ event } as Request<typeof event>);
    return event.body;
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

const JSON_TYPE = 'application/json';
const latin1 = Buffer.from('{"title":"caf\xe9"}', 'latin1');

describe('jsonBody: UTF-8 JSON only', () => {
  it.each<[string, string, string | Buffer, unknown]>([
    ['UTF-8 bytes', JSON_TYPE, Buffer.from('{"title":"café 🎉"}'), { title: 'café 🎉' }],
    ['charset=utf-8', `${JSON_TYPE}; charset=utf-8`, '{"a":1}', { a: 1 }],
    ['charset="UTF-8", quoted and in capitals', `${JSON_TYPE};Charset="UTF-8"`, '{"a":1}', { a: 1 }],
    ['charset=utf8', `${JSON_TYPE}; charset=utf8`, '{"a":1}', { a: 1 }],
    ['charset=latin1', `${JSON_TYPE}; charset=latin1`, latin1, 'UNSUPPORTED_MEDIA_TYPE: the body must be UTF-8 (got charset "latin1")'],
    [
      'charset="UTF-16", quoted',
      `${JSON_TYPE}; charset="UTF-16"`,
      Buffer.from('{"a":1}', 'utf16le'),
      'UNSUPPORTED_MEDIA_TYPE: the body must be UTF-8 (got charset "utf-16")',
    ],
    ['Latin-1 bytes sent as JSON', JSON_TYPE, latin1, 'MALFORMED_JSON: the body is not valid UTF-8'],
    ['the bytes FF FE', JSON_TYPE, Buffer.from('{"title":"\xff\xfe"}', 'latin1'), 'MALFORMED_JSON: the body is not valid UTF-8'],
    ['a byte order mark in the bytes', JSON_TYPE, Buffer.from('\uFEFF{"a":1}'), { a: 1 }],
    ['a byte order mark in a string body', JSON_TYPE, '\uFEFF{"a":1}', { a: 1 }],
    ['JSON that breaks', JSON_TYPE, '{"a":', expect.stringMatching(/^MALFORMED_JSON: the body is not valid JSON: /)],
  ])('%s', async (_case, contentType, body, expected) => {
    expect(await parse(contentType, body)).toEqual(expected);
  });
});

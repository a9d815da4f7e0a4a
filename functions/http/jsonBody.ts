import type { MiddlewareObj } from '@middy/core';
import { AppError } from '../errors/AppError.js';

const JSON_TYPE = /^application\/(.+\+)?json\s*($|;)/i;

interface BodyEvent {
  headers?: Record<string, string | undefined> | null;
  body?: unknown;
  isBase64Encoded?: boolean;
}

/** The `charset` parameter of a Content-Type, unquoted and lower-cased; undefined when it has none. */
function charsetOf(type: string): string | undefined {
  const match = /;\s*charset\s*=\s*("([^"]*)"|[^;\s]*)/i.exec(type);
  return match ? (match[2] ?? match[1]!).toLowerCase() : undefined;
}

/**
 * Parses a request's JSON body into `event.body` (a body-less request gets `undefined`). A body
 * without a JSON content type, or with a charset other than UTF-8, is UNSUPPORTED_MEDIA_TYPE (415);
 * bytes that are not UTF-8 and JSON that does not parse are MALFORMED_JSON (400), saying where it
 * breaks. A leading byte order mark is dropped. The statuses are statusOf's.
 *
 * Only a base64 body (`isBase64Encoded`: API Gateway's and the local gateway's form for bytes that are
 * not UTF-8 text) still has its bytes to check; a body given as a string (a Lambda Invoke, `sam local`)
 * was decoded by whoever made the event, and is taken as it is.
 */
export function jsonBody<Event extends BodyEvent>(): MiddlewareObj<Event> {
  return {
    before: async ({ event }) => {
      const raw = typeof event.body === 'string' ? event.body : undefined;
      if (raw === undefined || raw === '') {
        event.body = undefined;
        return;
      }
      const type = event.headers?.['content-type'] ?? event.headers?.['Content-Type'];
      if (!type || !JSON_TYPE.test(type)) {
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          `the body must be JSON sent with Content-Type: application/json (got ${type ? JSON.stringify(type) : 'no Content-Type'})`,
        );
      }
      const charset = charsetOf(type);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `the body must be UTF-8 (got charset ${JSON.stringify(charset)})`);
      }
      const text = (event.isBase64Encoded ? utf8(Buffer.from(raw, 'base64')) : raw).replace(/^\uFEFF/, '');
      try {
        event.body = JSON.parse(text);
      } catch (error) {
        throw new AppError('MALFORMED_JSON', `the body is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

/** The bytes as UTF-8 text (a byte order mark dropped); MALFORMED_JSON when they are not UTF-8. */
function utf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new AppError('MALFORMED_JSON', 'the body is not valid UTF-8', { cause: error });
  }
}

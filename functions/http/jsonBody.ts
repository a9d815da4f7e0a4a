import type { MiddlewareObj } from '@middy/core';
import { AppError } from '../errors/AppError.js';

const JSON_TYPE = /^application\/(.+\+)?json\s*($|;)/i;

interface BodyEvent {
  headers?: Record<string, string | undefined> | null;
  body?: unknown;
  isBase64Encoded?: boolean;
}

/**
 * Parses a request's JSON body into `event.body` (a body-less request gets `undefined`). A body
 * without a JSON content type is UNSUPPORTED_MEDIA_TYPE (415); a JSON one that does not parse is
 * MALFORMED_JSON (400), saying where it breaks. The statuses are statusOf's.
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
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      try {
        event.body = JSON.parse(text);
      } catch (error) {
        throw new AppError('MALFORMED_JSON', `the body is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

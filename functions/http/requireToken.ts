import type { MiddlewareObj } from '@middy/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/AppError.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * When a token is configured (`API_TOKEN`), refuses every request without `Authorization: Bearer
 * <token>` with 401, before any other work. The comparison takes the same time whatever the guess.
 */
export function requireToken<Event extends { headers?: Record<string, string | undefined> }>(
  token: () => string | undefined,
): MiddlewareObj<Event> {
  return {
    before: async (request) => {
      const expected = token();
      if (!expected) return;
      const header = request.event.headers?.authorization ?? '';
      const offered = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
      if (!offered) {
        throw new AppError('UNAUTHORIZED', 'this API needs a token: send Authorization: Bearer <API_TOKEN>', {
          headers: { 'www-authenticate': 'Bearer' },
        });
      }
      if (!timingSafeEqual(digest(offered), digest(expected))) {
        throw new AppError('UNAUTHORIZED', 'the bearer token is wrong', {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
    },
  };
}

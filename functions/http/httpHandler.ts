import middy from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { jsonLogger, type Logger } from '../log/Logger.js';
import { errorResponse } from './errorResponse.js';
import { AppError } from '../errors/AppError.js';
import { requireToken } from './requireToken.js';

/** API Gateway proxy events of both payload versions (SAM `Api` = 1.0, `HttpApi` = 2.0). */
export type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

export interface HttpHandlerOptions {
  /** The one method the route answers, when it has one; others get 405. */
  method?: string;
  logger?: Logger;
  /** The bearer token every request must carry (`API_TOKEN`, given by the composition root); none when absent. */
  token?: () => string | undefined;
}

/**
 * Wraps a route's logic in the shared Middy stack: normalized event and headers, the token check,
 * the method check, and the one error-to-HTTP mapping. The logic itself only parses, calls the domain
 * and shapes the answer.
 */
export function httpHandler(
  logic: (event: HttpEvent) => Promise<APIGatewayProxyResult>,
  { method, logger = jsonLogger(), token = () => undefined }: HttpHandlerOptions,
) {
  return middy<HttpEvent, APIGatewayProxyResult>()
    .use(httpEventNormalizer())
    .use(httpHeaderNormalizer())
    .use(errorResponse({ logger }))
    .use(requireToken<HttpEvent>(token))
    .handler(async (event) => {
      const actual = methodOf(event);
      if (method && actual !== method) {
        throw new AppError('METHOD_NOT_ALLOWED', `${actual} is not allowed here; use ${method}`, { headers: { allow: method } });
      }
      return logic(event);
    });
}

/** The request method of a payload 1.0 or 2.0 event. */
export function methodOf(event: HttpEvent): string {
  return ('httpMethod' in event ? event.httpMethod : event.requestContext.http.method).toUpperCase();
}

import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { STATUS_CODES } from 'node:http';
import { BackupError } from '../backup/errors.js';
import { silentLogger, type Logger } from '../log/Logger.js';
import { HttpError } from './HttpError.js';
import { jsonResponse } from './jsonResponse.js';

/** An error that knows its HTTP answer: ours, and http-errors style ones from middy middlewares. */
interface StatusError extends Error {
  statusCode: number;
  code?: string;
  expose?: boolean;
  detail?: string;
  headers?: Record<string, string>;
}

const isStatusError = (error: unknown): error is StatusError =>
  error instanceof Error && Number.isInteger((error as StatusError).statusCode);

/** Our own errors are written to be shown; others only when they say so (http-errors: status < 500). */
const isSafeToShow = (error: StatusError) =>
  error instanceof BackupError || error instanceof HttpError || error.expose === true;

/**
 * The one place that maps errors to HTTP: `{ "error": { "code", "message" } }` with the error's status.
 * Typed errors answer with their own (safe) message; anything unknown becomes a generic 500.
 * Every 5xx is logged with its details, which never reach the response.
 */
export function errorResponse({ logger = silentLogger }: { logger?: Logger } = {}): MiddlewareObj<
  unknown,
  APIGatewayProxyResult
> {
  return {
    onError: async (request) => {
      const error = request.error;
      const known = isStatusError(error) && error.statusCode >= 400 && error.statusCode <= 599;
      const statusCode = known ? error.statusCode : 500;
      const code = known ? (error.code ?? codeOf(statusCode)) : 'INTERNAL_ERROR';
      const message = known && isSafeToShow(error) ? error.message : 'internal error; the API log has the details';
      if (statusCode >= 500) {
        const detail = known ? error.detail : undefined;
        logger.error('request.failed', { statusCode, code, error, detail, cause: (error as Error | undefined)?.cause });
      }
      request.response = jsonResponse(statusCode, { error: { code, message } }, known ? error.headers : undefined);
    },
  };
}

/** `Method Not Allowed` → `METHOD_NOT_ALLOWED`. */
function codeOf(statusCode: number): string {
  return (STATUS_CODES[statusCode] ?? 'Error').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { STATUS_CODES } from 'node:http';
import { AppError } from '../errors/AppError.js';
import { silentLogger, type Logger } from '../log/Logger.js';
import { jsonResponse } from './jsonResponse.js';
import { statusOf } from './statusOf.js';

/** Errors thrown by middy's own middlewares (http-errors): a status and whether to show the message. */
interface HttpErrorsLike extends Error {
  statusCode: number;
  expose?: boolean;
}

const isHttpErrorsLike = (error: unknown): error is HttpErrorsLike =>
  error instanceof Error &&
  Number.isInteger((error as HttpErrorsLike).statusCode) &&
  (error as HttpErrorsLike).statusCode >= 400 &&
  (error as HttpErrorsLike).statusCode <= 599;

/**
 * The one place that maps errors to HTTP: `{ "error": { "code", "message" } }` with the error's status.
 * An AppError answers with its code's status (statusOf) and its code, and its message when `expose` says so; an error from
 * middy's middlewares likewise (exposed below 500); anything else is a generic 500. Every 5xx is
 * logged with its details, which never reach the response.
 */
export function toErrorResult(error: unknown, logger: Logger = silentLogger): APIGatewayProxyResult {
  const app = error instanceof AppError ? error : undefined;
  const status = app ? statusOf(app.code) : isHttpErrorsLike(error) ? error.statusCode : 500;
  const code = app?.code ?? (isHttpErrorsLike(error) ? codeOf(status) : 'INTERNAL_ERROR');
  const expose = app ? (app.expose ?? status < 500) : isHttpErrorsLike(error) ? (error.expose ?? status < 500) : false;
  const message = expose ? (error as Error).message : 'internal error; the API log has the details';
  if (status >= 500)
    logger.error('request.failed', { status, code, error, detail: app?.detail, cause: (error as Error | undefined)?.cause });
  return jsonResponse(status, { error: { code, message } }, app?.headers);
}

/** The Middy middleware form of `toErrorResult`. */
export function errorResponse({ logger = silentLogger }: { logger?: Logger } = {}): MiddlewareObj<unknown, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      request.response = toErrorResult(request.error, logger);
    },
  };
}

/** `Method Not Allowed` → `METHOD_NOT_ALLOWED`. */
function codeOf(status: number): string {
  return (STATUS_CODES[status] ?? 'Error').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

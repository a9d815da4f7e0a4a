import { describe, expect, it } from '@jest/globals';
import { DumpFailedError, BackupInProgressError } from '../backup/errors.js';
import { ConfigError } from '../config/ConfigError.js';
import { AppError } from '../errors/AppError.js';
import type { Logger } from '../log/Logger.js';
import { NotFoundError } from '../notes/errors.js';
import { toErrorResult } from './errorResponse.js';

/** An error as middy's own middlewares throw them (http-errors): a statusCode and an expose flag. */
function middyError(statusCode: number, message: string, expose?: boolean): Error {
  return Object.assign(new Error(message), { statusCode, ...(expose === undefined ? {} : { expose }) });
}

const GENERIC = 'internal error; the API log has the details';

describe('toErrorResult: the one mapping from errors to HTTP answers', () => {
  it.each([
    ['a 4xx AppError shows its message', new AppError('INVALID_INPUT', 'title is required'), 400, 'INVALID_INPUT', 'title is required'],
    ['a 5xx AppError hides its message by default', new AppError('OOPS', 'connection string postgres://u:pw@h'), 500, 'OOPS', GENERIC],
    [
      'a 5xx AppError that says so shows it',
      new AppError('FUNCTION_ERROR', 'the function failed', { expose: true }),
      502,
      'FUNCTION_ERROR',
      'the function failed',
    ],
    [
      'a backup error shows its (operator-facing) message even at 500',
      new DumpFailedError('pg_dump was killed by SIGKILL'),
      500,
      'DUMP_FAILED',
      'pg_dump was killed by SIGKILL',
    ],
    ['a 409 backup error', new BackupInProgressError('busy'), 409, 'BACKUP_IN_PROGRESS', 'busy'],
    [
      'a configuration error names the setting',
      new ConfigError('BACKUP_KEEP_LAST must be a whole number'),
      500,
      'BAD_CONFIGURATION',
      'BACKUP_KEEP_LAST must be a whole number',
    ],
    ['a notes error', new NotFoundError('note 7 does not exist'), 404, 'NOT_FOUND', 'note 7 does not exist'],
    [
      'a body that is not JSON is a bad request, not a media type',
      new AppError('MALFORMED_JSON', 'the body is not valid JSON: Unexpected end of JSON input'),
      400,
      'MALFORMED_JSON',
      'the body is not valid JSON: Unexpected end of JSON input',
    ],
    [
      'a middy 415 (http-errors) shows its message',
      middyError(415, 'Unsupported Media Type', true),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported Media Type',
    ],
    [
      'a middy 422 without an expose flag shows it (below 500)',
      middyError(422, 'Invalid JSON'),
      422,
      'UNPROCESSABLE_ENTITY',
      'Invalid JSON',
    ],
    ['a middy 500 hides it', middyError(500, 'internals'), 500, 'INTERNAL_SERVER_ERROR', GENERIC],
    ['anything else is a generic 500', new TypeError("Cannot read properties of undefined (reading 'x')"), 500, 'INTERNAL_ERROR', GENERIC],
    ['a thrown string is a generic 500', 'boom', 500, 'INTERNAL_ERROR', GENERIC],
  ])('%s', (_case, error, status, code, message) => {
    const result = toErrorResult(error);

    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body)).toEqual({ error: { code, message } });
  });

  it("answers an AppError's headers (Allow, WWW-Authenticate)", () => {
    const result = toErrorResult(new AppError('METHOD_NOT_ALLOWED', 'GET is not allowed here; use POST', { headers: { allow: 'POST' } }));

    expect(result.headers).toMatchObject({ allow: 'POST', 'content-type': 'application/json; charset=utf-8' });
  });

  it('logs every 5xx with its detail and cause, and no 4xx', () => {
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const logger: Logger = { info() {}, warn() {}, error: (event, fields) => lines.push([event, fields]) };
    const cause = new Error('EACCES');

    toErrorResult(new DumpFailedError('pg_dump failed', { detail: 'pg_dump: error: …', cause }), logger);
    toErrorResult(new NotFoundError('no note 3'), logger);

    expect(lines).toEqual([['request.failed', expect.objectContaining({ code: 'DUMP_FAILED', detail: 'pg_dump: error: …', cause })]]);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { httpApiEvent, lambdaContext, restEvent } from '../../test/support/events.js';
import type { BackupService } from '../backup/BackupService.js';
import { createBackupService } from '../backup/createBackupService.js';
import { loadConfig } from '../config/loadConfig.js';
import { silentLogger } from '../log/Logger.js';
import { createDbBackupHandler } from './handler.js';

const call = async (handler: ReturnType<typeof createDbBackupHandler>, event: unknown) => {
  const result = (await handler(event as never, lambdaContext())) as APIGatewayProxyResult;
  return { ...result, json: JSON.parse(result.body) };
};

describe('POST /db-backup handler, HTTP edges (stand-in service: these paths never reach it)', () => {
  const unreachable = () => {
    throw new Error('the service must not be called');
  };

  it.each([
    ['GET', restEvent('GET', '/db-backup')],
    ['DELETE', httpApiEvent('DELETE', '/db-backup')],
  ])('answers 405 to %s', async (method, event) => {
    const response = await call(createDbBackupHandler({ service: unreachable, logger: silentLogger }), event);

    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('POST');
    expect(response.json).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed here; use POST` } });
  });

  it('answers a generic 500 for an unexpected error and keeps its message out of the response', async () => {
    const failing = {
      rotateThenBackUp: async () => {
        throw new Error('secret internal detail');
      },
    } as unknown as BackupService;

    const response = await call(createDbBackupHandler({ service: () => failing, logger: silentLogger }), restEvent('POST', '/db-backup'));

    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error; the API log has the details' } });
  });

  it('answers 500 BAD_CONFIGURATION naming the setting when the environment is invalid', async () => {
    const handler = createDbBackupHandler({
      service: () => createBackupService(loadConfig({ BACKUP_KEEP_LAST: 'five' }), silentLogger),
      logger: silentLogger,
    });

    const response = await call(handler, restEvent('POST', '/db-backup'));

    expect(response.statusCode).toBe(500);
    expect(response.json.error).toEqual({
      code: 'BAD_CONFIGURATION',
      message: 'BACKUP_KEEP_LAST must be a whole number from 0 to 10000 (got "five")',
    });
  });
});

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { formatBackupListing } from '../../cli/notes/format.js';
import { Output } from '../../cli/notes/Output.js';
import { type DatabaseUnderTest, describeEachDatabasePath } from '../../test/support/databasePaths.js';
import { lambdaContext, restEvent } from '../../test/support/events.js';
import { removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { loadConfig } from '../config/loadConfig.js';
import { silentLogger } from '../log/Logger.js';
import { wireParts } from '../wiring/wireParts.js';
import { createBackupStatusHandler } from './handler.js';

/*
 * The app's `backups` before the first backup says the same on both database paths. Only the default
 * folder (BACKUP_DIR unset: the first backup creates it) is "no backups yet"; a configured BACKUP_DIR
 * that is missing is an error on both, since a backup into it would fail too.
 */
describeEachDatabasePath("GET /db-backups and the app's backups before the first backup", (path) => {
  let db: DatabaseUnderTest;
  let folder: string;

  beforeAll(async () => {
    db = await path.create();
    folder = await tempFolder('notes-first-backup-');
  });
  afterAll(async () => {
    await db?.close();
    await removeFolder(folder);
  });

  const get = async (route: string, dir: string, createdByFirstBackup: boolean) => {
    const config = { ...loadConfig({ DATABASE_URL: db.url }), backupDir: dir, createBackupDir: createdByFirstBackup };
    const parts = wireParts({ config: () => config, logger: silentLogger, dumpSource: db.source });
    const handler = createBackupStatusHandler({ ...parts, logger: silentLogger });
    const result = (await handler(restEvent('GET', route) as never, lambdaContext())) as APIGatewayProxyResult;
    return { status: result.statusCode, json: JSON.parse(result.body) };
  };
  const listing = (dir: string, createdByFirstBackup: boolean) => get('/db-backups', dir, createdByFirstBackup);

  it('the default folder, not created yet: no backups of this database yet, and the listing does not create it', async () => {
    const dir = join(folder, 'default-not-yet');

    const answer = await listing(dir, true);

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ database: db.database, kept: [], archived: [], deleted: [] });
    const out = new PassThrough();
    expect(formatBackupListing(answer.json, new Output(out, out, { NO_COLOR: '1' }))).toBe(
      `no backups of ${db.database} yet (backup takes one; backups --all lists every database's)`,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('a configured folder that is missing: BACKUP_DIR_MISSING, saying how to create it or that its volume may not be mounted', async () => {
    const dir = join(folder, 'configured-missing');

    const answer = await listing(dir, false);

    expect(answer).toEqual({
      status: 503,
      json: {
        error: {
          code: 'BACKUP_DIR_MISSING',
          message: `the backup folder ${dir} does not exist: create it (mkdir ${dir}), or mount the volume it is on (BACKUP_DIR, or --dir)`,
        },
      },
    });
  });

  it('GET /health agrees: the default folder not created yet is healthy (the first backup makes it), and is not created by asking', async () => {
    const dir = join(folder, 'default-health', 'backups');

    const answer = await get('/health', dir, true);

    expect(answer).toMatchObject({
      status: 200,
      json: { healthy: true, degraded: false, backupDir: { writable: true, createdByFirstBackup: true }, lastAttempt: null, problems: [] },
    });
    expect(existsSync(join(folder, 'default-health'))).toBe(false);
  });

  it('GET /health: the default folder where the first backup cannot make it (a file in its path) is a problem, said once', async () => {
    const file = join(folder, 'a-file');
    await writeFile(file, 'not a folder');
    const dir = join(file, 'backups');

    const answer = await get('/health', dir, true);

    expect(answer).toMatchObject({
      status: 503,
      json: { healthy: false, problems: [`the first backup cannot create ${dir}: ${file} is not a folder`] },
    });
  });

  it('GET /health: a configured folder that is missing is still a problem', async () => {
    const dir = join(folder, 'configured-missing-health');

    const answer = await get('/health', dir, false);

    expect(answer).toMatchObject({ status: 503, json: { healthy: false, problems: [expect.stringContaining('does not exist')] } });
  });
});

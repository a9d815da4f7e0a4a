import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { BackupFolder } from '../backup/folder/BackupFolder.js';
import type { BackupBucket } from '../backup/offsite/BackupBucket.js';
import { backupPrefix, parseBackupFileName } from '../backup/retention/backupFileName.js';
import type { BackupRotator } from '../backup/retention/BackupRotator.js';
import { checkHealth } from '../backup/folder/checkHealth.js';
import { backupListing } from '../backup/BackupAnswer.js';
import { onlyDatabase } from '../backup/retention/onlyDatabase.js';
import { AppError } from '../errors/AppError.js';
import { httpHandler, type HttpEvent } from '../http/httpHandler.js';
import { jsonResponse } from '../http/jsonResponse.js';
import { jsonLogger, type Logger } from '../log/Logger.js';
import { fromEnvironment } from '../wiring/fromEnvironment.js';

export interface BackupStatusParts {
  folder: () => BackupFolder;
  rotator: () => BackupRotator;
  /** The name of the database this API backs up (its backups are the ones listed by default). */
  database: () => Promise<string>;
  /** The offsite copies (BACKUP_S3_URL): /health then counts the backups not offsite yet (from the manifest, no bucket call). */
  bucket?: () => BackupBucket | undefined;
  logger?: Logger;
  /** The bearer token every request must carry (`API_TOKEN`). */
  token?: () => string | undefined;
}

/**
 * Read-only views of the backup folder. Neither changes anything.
 * GET /db-backups: this database's backups with the rules that keep each one, and what the next
 * rotation would do to them; `?all=true` lists every database's backups in the folder.
 * GET /health: 200 when the folder is writable and the last backup succeeded, else 503 with the problems;
 * degraded (still 200) while backups are not offsite yet.
 */
export function createBackupStatusHandler({ folder, rotator, database, bucket, logger = jsonLogger(), token }: BackupStatusParts) {
  const routes: Route<HttpEvent, APIGatewayProxyResult>[] = [
    {
      method: 'GET',
      path: '/db-backups',
      handler: async (event: HttpEvent) => {
        const all = readAll(event.queryStringParameters?.all ?? undefined);
        // A missing or unusable folder says so (503), rather than listing nothing; only the default
        // folder, before the backup that creates it, is simply empty (and is not created by a listing).
        if (!(await folder().notCreatedYet())) await folder().check();
        const plan = await rotator().plan();
        const name = all ? null : await database();
        const listed = name === null ? plan : onlyDatabase(plan, name);
        // Which backups `db-backup verify` proved, and when: a manifest that cannot be read hides only that.
        const verifications = await folder()
          .manifest.verifications()
          .catch(() => ({}));
        // Offsite means copied to the bucket and prefix configured now (none when BACKUP_S3_URL is not set).
        const location = bucket?.()?.location;
        const offsiteCopies = location
          ? await folder()
              .manifest.offsiteCopies(location)
              .catch(() => ({}))
          : {};
        return jsonResponse(200, backupListing(listed, name, verifications, offsiteCopies));
      },
    },
    {
      method: 'GET',
      path: '/health',
      handler: async () => {
        const name = await database();
        const notCreatedYet = await folder().notCreatedYet();
        // Counted from the manifest's offsite marks: /health never waits for the bucket.
        const location = bucket?.()?.location;
        const notOffsite =
          location && !notCreatedYet
            ? await folder()
                .manifest.notOffsite((file) => parseBackupFileName(file)?.database === backupPrefix(name), location)
                .then((missing) => missing.length)
                .catch(() => undefined)
            : undefined;
        const health = await checkHealth(folder().dir, name, { notCreatedYet, ...(notOffsite === undefined ? {} : { notOffsite }) });
        return jsonResponse(health.healthy ? 200 : 503, health);
      },
    },
  ];
  return httpHandler(httpRouterHandler<HttpEvent, APIGatewayProxyResult>(routes) as never, { method: 'GET', logger, token });
}

function readAll(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new AppError('INVALID_INPUT', `all must be true or false (got "${value}")`);
}

/** The Lambda entry point. */
export const handler = createBackupStatusHandler(fromEnvironment());

import { afterAll, beforeAll } from '@jest/globals';
import { startApiProcess } from './apiProcess.js';
import { createTestDatabase } from './postgres.js';
import { removeFolder, tempFolder } from './tempFolder.js';

/** What a suite's API runs on: its database, its backup folder, and the API process itself. */
export interface ApiWithDatabase {
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  dir: string;
  api: Awaited<ReturnType<typeof startApiProcess>>;
}

/**
 * For the suite it is called in: a test database of its own, an empty backup folder, and `npm run api`
 * on them as a child process (the environment `env` adds to DATABASE_URL and BACKUP_DIR, given the
 * database's URL), started before the suite's tests and stopped and removed after them. Read the parts
 * from the returned object inside the tests.
 */
export function apiWithDatabase(env: (databaseUrl: string) => NodeJS.ProcessEnv = () => ({})): ApiWithDatabase {
  const parts = {} as ApiWithDatabase;
  beforeAll(async () => {
    parts.database = await createTestDatabase();
    parts.dir = await tempFolder();
    parts.api = await startApiProcess({ DATABASE_URL: parts.database.url, BACKUP_DIR: parts.dir, ...env(parts.database.url) });
  });
  afterAll(async () => {
    await parts.api?.stop();
    await removeFolder(parts.dir);
    await parts.database?.drop();
  });
  return parts;
}

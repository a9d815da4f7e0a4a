import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, startApiProcess } from '../test/support/apiProcess.js';
import { ricInstalled, startRuntimeClient } from '../test/support/lambdaRuntime.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { startRuntimeApiEmulator } from '../test/support/runtimeApiEmulator.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { migrate } from '../functions/db/migrate.js';

const BUILD_RIC =
  'aws-lambda-ric is not built: run npm ci --prefix docker/lambda-runtime (it compiles native code, about a minute; .ci/run does)';

/**
 * Runs only where aws-lambda-ric was built. Elsewhere it is skipped with a message saying how to build
 * it, except in CI, where it fails at once with that message (instead of timing out waiting for a
 * runtime client that cannot start).
 */
const describeWithRic: typeof describe = ((name: string, body: () => void) => {
  if (ricInstalled()) return describeWithPostgres(name, body);
  if (process.env.CI === 'true') {
    return describe(name, () => {
      it('needs the runtime client', () => {
        throw new Error(BUILD_RIC);
      });
    });
  }
  process.stderr.write(`SKIPPED "${name}": ${BUILD_RIC}\n`);
  return describe.skip(name, body);
}) as typeof describe;

describeWithRic(
  'the gateway in Lambda-Invoke mode: AWS SDK → Runtime API (stand-in for the emulator) → real aws-lambda-ric → handler',
  () => {
    const cleanups: (() => Promise<void>)[] = [];
    let database: Awaited<ReturnType<typeof createTestDatabase>>;

    beforeAll(async () => {
      database = await createTestDatabase();
      await migrate(databaseConnection({ DATABASE_URL: database.url }));
    });
    afterAll(() => database.drop());
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** One Lambda "container": the emulator stand-in plus the real runtime client serving `handler`. */
    async function lambdaContainer(taskRoot: string, handler: string, env: NodeJS.ProcessEnv = {}) {
      const emulator = await startRuntimeApiEmulator();
      cleanups.push(emulator.close);
      const runtime = startRuntimeClient(taskRoot, handler, emulator.address, env);
      cleanups.push(runtime.stop);
      lastEmulator = emulator;
      return emulator.url;
    }
    let lastEmulator: Awaited<ReturnType<typeof startRuntimeApiEmulator>>;

    async function gateway(lambdaEndpoint: string) {
      const api = await startApiProcess({ LAMBDA_ENDPOINT: lambdaEndpoint, DATABASE_URL: '', BACKUP_DIR: '' });
      cleanups.push(api.stop);
      return api.url;
    }

    /** The real db-backup handler in a Lambda container on a fresh folder, and a gateway in front of it. */
    async function backupFunctionBehindGateway() {
      const dir = await tempFolder();
      cleanups.push(() => removeFolder(dir));
      const endpoint = await lambdaContainer(join(ROOT, 'dist'), 'functions/db-backup/handler.handler', {
        DATABASE_URL: database.url,
        BACKUP_DIR: dir,
      });
      return { dir, url: await gateway(endpoint) };
    }

    it('POST /db-backup writes a new backup through the real handler', async () => {
      const { dir, url } = await backupFunctionBehindGateway();

      const response = await fetch(`${url}/db-backup`, { method: 'POST' });
      const body = (await response.json()) as { backup: { file: string } };

      expect(response.status).toBe(201);
      expect(await namesIn(dir)).toEqual([body.backup.file]);
      expect(parseBackupFileName(body.backup.file)?.database).toBe(database.name);
    });

    it('never sends the one-at-a-time emulator a second invocation: concurrent POSTs all get 201 (coalesced), never 502', async () => {
      const { dir, url } = await backupFunctionBehindGateway();

      const answers = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const sent = Date.now();
          const response = await fetch(`${url}/db-backup`, { method: 'POST' });
          return { sent, status: response.status, body: (await response.json()) as { backup: { startedAt: string }; coalesced: boolean } };
        }),
      );

      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(lastEmulator.refused()).toBe(0);
      // Queued at the gateway, each still got a backup that started after it was sent: at most two dumps.
      for (const answer of answers) expect(Date.parse(answer.body.backup.startedAt)).toBeGreaterThanOrEqual(answer.sent);
      expect((await namesIn(dir)).length).toBeLessThanOrEqual(2);
      expect(answers.filter((a) => a.body.coalesced).length).toBeGreaterThanOrEqual(4);
    });

    it("passes the handler's own error answers through (405 from the real handler)", async () => {
      const endpoint = await lambdaContainer(join(ROOT, 'dist'), 'functions/db-backup/handler.handler', { DATABASE_URL: database.url });
      const url = await gateway(endpoint);

      const response = await fetch(`${url}/db-backups`);

      expect(response.status).toBe(405);
      expect(await response.json()).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: 'GET is not allowed here; use POST' } });
    });

    it.each([
      ['throws', 'export const handler = async () => { throw new Error("boom"); };', 'FUNCTION_ERROR'],
      ['answers without a statusCode', 'export const handler = async () => ({ hello: "world" });', 'BAD_FUNCTION_RESULT'],
    ])('answers 502 with a JSON error when the function %s (stand-in handler)', async (_what, source, code) => {
      const taskRoot = await tempFolder();
      cleanups.push(() => removeFolder(taskRoot));
      await writeFile(join(taskRoot, 'bad.mjs'), source);
      const url = await gateway(await lambdaContainer(taskRoot, 'bad.handler'));

      const response = await fetch(`${url}/db-backup`, { method: 'POST' });

      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    });

    it('answers 502 FUNCTION_UNREACHABLE when no Lambda container listens', async () => {
      const url = await gateway('http://127.0.0.1:9');

      const response = await fetch(`${url}/db-backup`, { method: 'POST' });

      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FUNCTION_UNREACHABLE');
    });
  },
);

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createS3Client } from '../functions/backup/offsite/createS3Client.js';
import { ROOT, startApiProcess } from '../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../test/support/swiftServer.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';

/** Distinctive, so that any trace of them in an output is found by a plain search. */
const SESSION_TOKEN = 'session-token-canary-5be81f0c77d24e39';
const WRONG_SECRET = 'wrong-secret-canary-a3c9e1d04b7f';

/** `npm run -s db-backup -- <args>` as an operator types it, with its exit code and both outputs. */
async function npmDbBackup(args: string[], env: NodeJS.ProcessEnv) {
  const done = await promisify(execFile)('npm', ['run', '-s', 'db-backup', '--', ...args], { cwd: ROOT, env: { ...process.env, ...env } })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => error);
  return { code: done.code, stdout: done.stdout, stderr: done.stderr };
}

describeWithPostgres('The S3 secret and session token never leave the environment (real API process, npm, Swift)', () => {
  describeWithSwift('against OpenStack Swift with s3api', () => {
    let swift: SwiftServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    const folders: string[] = [];
    beforeAll(async () => {
      [swift, database] = await Promise.all([startSwiftServer(), createTestDatabase('notes_secrets')]);
      const client = createS3Client(swift.env);
      await client.send(new CreateBucketCommand({ Bucket: 'secrets' }));
      client.destroy();
    }, 90_000);
    afterAll(async () => {
      await swift?.stop();
      await database?.drop();
      await Promise.all(folders.map(removeFolder));
    });

    it.each([
      ['the right secret (the copy and the listing succeed)', () => swift.env.AWS_SECRET_ACCESS_KEY!, 'uploaded', 0],
      ['a wrong secret (403: the errors quote the request, not the credentials)', () => WRONG_SECRET, 'failed', 1],
    ])(
      '%s: not in list --remote, the API log file, its output, the POST answer, /health or the API process argv',
      async (_case, secretOf, copied, listCode) => {
        const secret = secretOf();
        const dir = await tempFolder('notes-secrets-');
        folders.push(dir);
        const logFile = join(dir, 'api.log');
        const env = {
          ...swift.env,
          AWS_SECRET_ACCESS_KEY: secret,
          AWS_SESSION_TOKEN: SESSION_TOKEN,
          BACKUP_S3_URL: `s3://secrets/${copied}/`,
          DATABASE_URL: database.url,
          BACKUP_DIR: dir,
          LOG_FILE: logFile,
        };
        const api = await startApiProcess(env);
        let argv: string;
        let post: { status: number; text: string };
        let health: { status: number; text: string };
        try {
          argv = (await readFile(`/proc/${api.pid}/cmdline`)).toString('utf8');
          const posted = await fetch(`${api.url}/db-backup`, { method: 'POST' });
          post = { status: posted.status, text: await posted.text() };
          const checked = await fetch(`${api.url}/health`);
          health = { status: checked.status, text: await checked.text() };
        } finally {
          await api.stop();
        }
        const list = await npmDbBackup(['list', '--remote'], env);

        // Assess that each path really ran (so that the search below searched something).
        expect(post.status).toBe(201);
        const answer = JSON.parse(post.text);
        expect(answer.backup.offsite).toMatchObject({ status: copied });
        expect(health.status).toBe(200);
        expect(list.code).toBe(listCode);
        expect(listCode === 0 ? list.stdout : list.stderr).toMatch(
          listCode === 0 ? new RegExp(`s3://secrets/${copied}/${answer.backup.file}`) : /refused these credentials/,
        );
        const logged = await readFile(logFile, 'utf8');
        expect(logged).toMatch(/"event":"backup.created"/);
        // The API names its process (`notes-api`, as ps shows it), written over its argv; either is what ps reads.
        expect(argv).toMatch(/notes-api|gateway\/main\.js/);
        const outputs = {
          'list stdout': list.stdout,
          'list stderr': list.stderr,
          'API log file': logged,
          'API stdout and stderr': api.logs(),
          'POST answer': post.text,
          '/health': health.text,
          'API argv': argv,
        };
        for (const [where, text] of Object.entries(outputs)) {
          expect({ where, secret: text.includes(secret), token: text.includes(SESSION_TOKEN) }).toEqual({
            where,
            secret: false,
            token: false,
          });
        }
      },
      120_000,
    );
  });
});

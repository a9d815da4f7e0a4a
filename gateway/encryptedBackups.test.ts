import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { once } from 'node:events';
import { join } from 'node:path';
import { ROOT, runNode, startApiProcess } from '../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { decryptAge } from '../functions/backup/encryption/decryptAge.js';
import { readIdentityFile } from '../functions/backup/encryption/readIdentityFile.js';

const FIXTURES = join(ROOT, 'test/fixtures/age');
/** The TEST-ONLY public key in test-recipients.txt. */
const TEST_RECIPIENT = 'age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp';

/** Runs a built entry point to its end: its exit code and what it wrote. */
async function exitOf(entry: string, env: NodeJS.ProcessEnv) {
  const child = runNode(entry, entry.endsWith('start.js') ? [] : ['--port', '0'], { LOG_FILE: '/dev/null', NO_COLOR: '1', ...env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  child.stdin!.end();
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describeWithPostgres('the API with BACKUP_ENCRYPT_RECIPIENTS (the real process, real pg_dump)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase('ew_api');
    dir = await tempFolder('ew-api-backups-');
  });
  afterAll(async () => {
    await removeFolder(dir);
    await database?.drop();
  });

  it.each([
    [
      'npm run api',
      'gateway/main.js',
      { BACKUP_ENCRYPT_RECIPIENTS: 'age1notakey' },
      /BACKUP_ENCRYPT_RECIPIENTS: recipient 1 \(age1notakey\) is not an age/,
    ],
    [
      'npm run api',
      'gateway/main.js',
      { BACKUP_ENCRYPT_RECIPIENTS: `${TEST_RECIPIENT},${TEST_RECIPIENT.slice(0, -1)}x` },
      /BACKUP_ENCRYPT_RECIPIENTS: recipient 2 \(.+\) is not a valid age recipient/,
    ],
    [
      'npm run api',
      'gateway/main.js',
      { BACKUP_ENCRYPT_RECIPIENTS: 'AGE-SECRET-KEY-1SECRETSECRET' },
      /BACKUP_ENCRYPT_RECIPIENTS: recipient 1 is a private key/,
    ],
    ['npm run api', 'gateway/main.js', { BACKUP_ENCRYPT_RECIPIENTS_FILE: '/nonexistent/recipients.txt' }, /BACKUP_ENCRYPT_RECIPIENTS_FILE/],
    [
      'npm start',
      'cli/start.js',
      { BACKUP_ENCRYPT_RECIPIENTS: 'age1notakey' },
      /BACKUP_ENCRYPT_RECIPIENTS: recipient 1 \(age1notakey\) is not an age/,
    ],
  ])('%s (%s) refuses to start with a bad recipient, naming the setting and never a secret: %j', async (_how, entry, env, message) => {
    const { code, stdout, stderr } = await exitOf(entry, { DATABASE_URL: database.url, BACKUP_DIR: dir, ...env });

    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain('SECRETSECRET');
    expect(stdout).not.toContain('listening');
    expect(await namesIn(dir)).toEqual([]);
  });

  it('npm start says the backups are encrypted, and leaving writes an encrypted one', async () => {
    const own = await tempFolder('ew-start-');
    try {
      const { code, stdout, stderr } = await exitOf('cli/start.js', {
        DATABASE_URL: database.url,
        BACKUP_DIR: own,
        BACKUP_ENCRYPT_RECIPIENTS: TEST_RECIPIENT,
      });

      expect(code).toBe(0);
      expect(stdout + stderr).toContain(`Backups: ${own}, encrypted for 1 age recipient.\n`);
      expect(await namesIn(own)).toEqual([expect.stringMatching(/\.sql\.age$/)]);
    } finally {
      await removeFolder(own);
    }
  });

  it('answers POST /db-backup with an encrypted backup (encrypted, how many recipients, never a key), warns about an identity in its environment', async () => {
    const api = await startApiProcess({
      DATABASE_URL: database.url,
      BACKUP_DIR: dir,
      API_TOKEN: '',
      BACKUP_ENCRYPT_RECIPIENTS_FILE: join(FIXTURES, 'test-recipients.txt'),
      BACKUP_IDENTITY_FILE: join(FIXTURES, 'test-identity.txt'),
    });
    try {
      const response = await fetch(`${api.url}/db-backup`, { method: 'POST' });
      const answer = (await response.json()) as { backup: { file: string; encrypted?: boolean; recipients?: number } };
      const health = await fetch(`${api.url}/health`);

      expect(response.status).toBe(201);
      expect(answer.backup).toMatchObject({ encrypted: true, recipients: 1 });
      expect(answer.backup.file).toMatch(new RegExp(`^${database.name}_.+\\.sql\\.age$`));
      expect(await namesIn(dir)).toEqual([answer.backup.file]);
      const identity = await readIdentityFile(join(FIXTURES, 'test-identity.txt'));
      const sql = (await buffer(createReadStream(join(dir, answer.backup.file)).pipe(decryptAge(identity)))).toString('utf8');
      expect(sql).toContain('PostgreSQL database dump complete');
      expect(api.logs()).toMatch(/"event":"backup.created".*"encrypted":true,"recipients":1/);
      expect(api.logs()).toContain('"event":"backup.identity_in_api"');
      expect(api.logs()).not.toContain(TEST_RECIPIENT);
      expect(api.logs()).not.toContain('AGE-SECRET-KEY');
      expect(health.status).toBe(200);
      // db-backup list shows an encrypted backup like any other.
      const listed = execFileSync(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), 'list', '--dir', dir], {
        env: { ...process.env, NO_COLOR: '1', DATABASE_URL: database.url },
      }).toString('utf8');
      expect(listed).toContain(answer.backup.file);
    } finally {
      await api.stop();
    }
  });
});

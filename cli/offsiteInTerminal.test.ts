import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createS3Client } from '../functions/backup/offsite/createS3Client.js';
import { parseBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { PG_VARIABLES } from '../functions/db/hasDatabaseSettings.js';
import { ROOT } from '../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../test/support/swiftServer.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { openTerminal, type TerminalSession } from '../test/support/terminalSession.js';

/**
 * The offsite copies where the user meets them: `npm start` in a real terminal (a pty) with
 * BACKUP_S3_URL, against a real Swift. What the start says, and the exit line when the copy fails,
 * catches up, or the server hangs.
 */

/** What must never reach the user's terminal: a crash, or a library's own warning line. */
const NOISE = /Error:|Unhandled|npm error|@smithy|\[WARN\]|NodeVersionSupportWarning|requestTimeout/;

describeWithPostgres('npm start with BACKUP_S3_URL in a real terminal', () => {
  describeWithSwift('against OpenStack Swift with s3api', () => {
    let swift: SwiftServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let folder: string;
    const dir = () => join(folder, 'backups');
    beforeAll(async () => {
      [swift, database, folder] = await Promise.all([
        startSwiftServer(),
        createTestDatabase('notes_pty_offsite'),
        tempFolder('notes-pty-s3-'),
      ]);
      await Promise.all([mkdir(dir()), mkdir(join(folder, 'home'))]);
      const client = createS3Client(swift.env);
      await client.send(new CreateBucketCommand({ Bucket: 'exits' }));
      client.destroy();
    }, 90_000);
    afterAll(async () => {
      await swift?.stop();
      await database?.drop();
      await removeFolder(folder);
    });

    /** The user's environment: this database and folder, Swift's variables, nothing of the test runner's (npm's, AWS's, a profile in HOME). */
    function environment(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of Object.keys(env)) if (name.startsWith('npm_') || name.startsWith('AWS_')) delete env[name];
      for (const name of ['DATABASE_URL', ...PG_VARIABLES]) delete env[name];
      const all = {
        ...env,
        NO_COLOR: '1',
        HOME: join(folder, 'home'),
        DATABASE_URL: database.url,
        BACKUP_DIR: dir(),
        LOG_FILE: join(folder, 'api.log'),
        ...swift.env,
        ...overrides,
      };
      return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
    }
    const npmStart = (overrides: NodeJS.ProcessEnv, args: string[] = []) =>
      openTerminal('npm', ['start', ...(args.length ? ['--', ...args] : [])], environment(overrides));

    /** Adds a note, leaves, waits for the end; the screen's lines from the exit on. */
    async function addAndLeave(terminal: TerminalSession): Promise<string[]> {
      await terminal.waitFor(/notes> /, 60_000);
      terminal.type('add "before leaving"\r');
      await terminal.waitFor(/added note \d+/);
      const shownBefore = terminal.screen().length;
      terminal.type('exit\r');
      expect(await terminal.exited).toEqual({ exitCode: 0, signal: 0 });
      await terminal.allGone();
      // The spinner's frames are drawn over each other on a terminal: without them, the lines that stay.
      return (
        terminal
          .screen()
          .slice(shownBefore)
          .replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Backing up the database \([^)]*\)…/g, '')
          .split('\n')
          .map((line) => line.replace(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/, '').trim())
          // The typed `exit` too: the prompt it follows may be drawn before or after the note's line was seen.
          .filter((line) => line && line !== 'exit' && !line.startsWith('notes>') && !line.startsWith('npm notice'))
      );
    }
    const backups = async () => (await namesIn(dir())).filter((name) => parseBackupFileName(name)).sort();

    it('a bucket that does not exist: the start says where copies go; the exit line says what to fix, not that a retry will mend it', async () => {
      const terminal = npmStart({ BACKUP_S3_URL: 's3://no-such-bucket/notes' });
      const lines = await addAndLeave(terminal);
      const [file] = await backups();

      expect(terminal.screen()).toContain(`Backups: ${dir()}, each also copied to s3://no-such-bucket/notes/.\n`);
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^Backed up ${file!.replace(/\./g, '\\.')} \\(.+\\); rotation: 0 kept, 0 archived, 0 deleted$`)),
        `warning: offsite copy failed: the bucket of s3://no-such-bucket/notes/${file} does not exist: create it, or correct BACKUP_S3_URL; the local backup is kept, and the first backup after that is fixed uploads it`,
      ]);
      expect(terminal.screen()).not.toMatch(NOISE);
    }, 120_000);

    it('once the bucket is right, the exit line says how many earlier backups were uploaded and how many are still to go', async () => {
      // Prepare: three more backups not copied anywhere (the real db-backup binary, no BACKUP_S3_URL): four in all.
      for (let i = 0; i < 3; i++)
        await promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), 'create'], { env: environment({}) });
      const earlier = await backups();
      expect(earlier).toHaveLength(4);

      const lines = await addAndLeave(npmStart({ BACKUP_S3_URL: 's3://exits/notes' }));
      const file = (await backups()).find((name) => !earlier.includes(name))!;

      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Backed up ${file.replace(/\./g, '\\.')} \\(.+\\); rotation: .+; offsite: s3://exits/notes/${file.replace(/\./g, '\\.')} \\(\\d+\\.\\d s\\); 3 earlier backups uploaded, 1 still to go$`,
          ),
        ),
      ]);
    }, 120_000);

    it('a hung server (SIGSTOP): the exit line says the copy was skipped after one wait, within the time the progress line gave, and no library warning reaches the terminal', async () => {
      const terminal = npmStart({ BACKUP_S3_URL: 's3://exits/notes' });
      await terminal.waitFor(/notes> /, 60_000);
      swift.freeze();
      let lines: string[];
      const started = performance.now();
      try {
        lines = await addAndLeave(terminal);
      } finally {
        swift.thaw();
      }
      const seconds = (performance.now() - started) / 1000;
      // Measured for docs/offsite.md (not asserted: the machine's load decides it).
      process.stdout.write(`leaving with the bucket's server frozen took ${seconds.toFixed(1)} s\n`);
      const file = (await backups()).at(-1)!;

      const promised = Number(/Backing up the database \(.+?, up to (\d+) s\)…/.exec(terminal.screen())?.[1]);
      expect(promised).toBe(120);
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^Backed up ${file.replace(/\./g, '\\.')} \\(.+\\); rotation: .+$`)),
        expect.stringMatching(
          /^warning: offsite copy failed: skipped: the bucket did not answer earlier in this run \(s3:\/\/exits\/notes\/ did not answer within 15 s; nothing was uploaded\); the next backup uploads it; the local backup is kept$/,
        ),
      ]);
      expect(terminal.screen()).not.toMatch(NOISE);
    }, 240_000);

    it.each([
      [
        'no region anywhere: the start refuses, saying what to set',
        { AWS_REGION: undefined },
        /^notes: BACKUP_S3_URL is s3:\/\/exits\/notes\/ but no AWS region is set: set AWS_REGION \(us-east-1 for most S3-compatible servers\) or a profile's region$/m,
        1,
      ],
      [
        'no credentials visible: a warning at the start, the app still opens (a role may supply them)',
        { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
        /^warning: no AWS credentials are set for s3:\/\/exits\/notes\/ \(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~\/\.aws\/credentials\): copies work only if this machine has a role$/m,
        0,
      ],
    ])(
      '%s',
      async (_case, overrides, shown, status) => {
        const terminal = npmStart({ BACKUP_S3_URL: 's3://exits/notes', ...overrides }, ['--no-backup']);
        if (status === 0) {
          await terminal.waitFor(/notes> /, 60_000);
          terminal.type('exit\r');
        }
        const exited = await terminal.exited;
        await terminal.allGone();

        expect(exited.exitCode).toBe(status);
        expect(terminal.screen()).toMatch(shown);
        expect(terminal.screen()).not.toMatch(NOISE);
      },
      120_000,
    );
  });
});

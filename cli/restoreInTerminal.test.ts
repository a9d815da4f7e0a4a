import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { createS3Client } from '../functions/backup/offsite/createS3Client.js';
import { formatBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { PG_VARIABLES } from '../functions/db/hasDatabaseSettings.js';
import { ADMIN_URL, createTestDatabase, databaseUrl, describeWithPostgres } from '../test/support/postgres.js';
import { queryRows } from '../test/support/queryRows.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../test/support/swiftServer.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { openTerminal } from '../test/support/terminalSession.js';

const MiB = 1024 * 1024;

/**
 * Ctrl-C while `db-backup restore --latest --remote` downloads, typed into a real terminal (a pty)
 * through npm as an operator runs it: the download stops, its temporary copy goes, nothing is restored.
 */
describeWithPostgres('Ctrl-C during restore --latest --remote in a real terminal (npm, Swift, PostgreSQL)', () => {
  describeWithSwift('against OpenStack Swift with s3api', () => {
    let swift: SwiftServer;
    let client: S3Client;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    const folders: string[] = [];
    let file: string;
    beforeAll(async () => {
      [swift, database] = await Promise.all([startSwiftServer(), createTestDatabase('notes_ctrlc')]);
      client = createS3Client(swift.env);
      await client.send(new CreateBucketCommand({ Bucket: 'restore' }));
      // The newest backup of the database in use, recorded: 96 MiB, more than the sockets hold once the server hangs.
      // Its bytes are never restored (the download is interrupted), so any bytes do.
      const bytes = randomBytes(96 * MiB);
      file = formatBackupFileName(database.name, new Date(Date.now() - 3_600_000));
      const bucket = new BackupBucket(client, { bucket: 'restore', prefix: 'notes/' });
      await bucket.upload(file, bytes, { partSize: 8 * MiB });
      await bucket.putRecord({
        file,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      });
    }, 120_000);
    afterAll(async () => {
      client?.destroy();
      await swift?.stop();
      await database?.drop();
      await Promise.all(folders.map(removeFolder));
    });

    it('interrupted while the download runs: exit 130 with the message, no temporary file left in TMPDIR, the target database never created', async () => {
      const [tmp, backupDir] = [await tempFolder('notes-tmpdir-'), await tempFolder('notes-backups-')];
      folders.push(tmp, backupDir);
      const target = `notes_ctrlc_target_${randomBytes(4).toString('hex')}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...swift.env,
        NO_COLOR: '1',
        TMPDIR: tmp,
        BACKUP_DIR: backupDir,
        BACKUP_S3_URL: 's3://restore/notes/',
        DATABASE_URL: database.url,
      };
      for (const name of PG_VARIABLES) delete env[name];
      for (const name of Object.keys(env)) if (name.startsWith('npm_')) delete env[name];
      const terminal = openTerminal(
        'npm',
        ['run', '-s', 'db-backup', '--', 'restore', '--latest', '--remote', '--into', databaseUrl(target)],
        env,
      );
      let downloading: string[];
      let exited: Awaited<typeof terminal.exited>;
      try {
        await terminal.waitFor(new RegExp(`downloading s3://restore/notes/${file.replaceAll('.', '\\.')}: \\d+%`), 60_000);
        // The server hangs: the download cannot finish before the Ctrl-C, however fast it was.
        swift.freeze();
        downloading = await readdir(tmp, { recursive: true });

        terminal.type('\x03');
        exited = await terminal.exited;
        await terminal.allGone();
      } finally {
        swift.thaw();
      }

      // The copy was being written in TMPDIR (its own temporary folder, under the backup's name) when it was interrupted.
      expect(downloading).toEqual([
        expect.stringMatching(/^notes-offsite-/),
        expect.stringMatching(new RegExp(`^notes-offsite-.+/${file}$`)),
      ]);
      expect(exited).toEqual({ exitCode: 130, signal: 0 });
      expect(terminal.screen()).toContain('db-backup: restore interrupted (SIGINT); rolling back and dropping what it created');
      expect(terminal.screen()).toContain(
        'db-backup: restore interrupted (SIGINT): while downloading the backup: its temporary copy is removed and nothing was restored',
      );
      expect(await readdir(tmp)).toEqual([]);
      expect(await queryRows(ADMIN_URL, 'select datname from pg_database where datname = $1', [target])).toEqual([]);
    }, 180_000);
  });
});

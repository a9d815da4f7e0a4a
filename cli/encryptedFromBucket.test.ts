import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { encryptAge } from '../functions/backup/encryption/encryptAge.js';
import { BackupManifest } from '../functions/backup/folder/BackupManifest.js';
import { formatBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { migrate } from '../functions/db/migrate.js';
import { ROOT } from '../test/support/apiProcess.js';
import { rowsOf } from '../test/support/compareDatabases.js';
import { createTestDatabase, databaseUrl, runSql } from '../test/support/postgres.js';
import { seedNotes } from '../test/support/seedNotes.js';
import { describeWithSwift, swiftBucketForSuite } from '../test/support/swiftServer.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';

const IDENTITY = join(ROOT, 'test/fixtures/age/test-identity.txt');
const RECIPIENT = 'age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp';
const MiB = 1024 * 1024;

/** The built ops command line with only the environment given (and PATH, HOME): a machine that has the bucket and the identity. */
async function dbBackup(args: string[], env: NodeJS.ProcessEnv) {
  const { PATH, HOME } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), ...args], {
      env: { PATH, HOME, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describeWithSwift(
  'encrypted backups in the bucket: restore s3://… and verify --remote with --identity (real Swift, the built db-backup)',
  () => {
    const offsite = swiftBucketForSuite('er-offsite');
    let source: Awaited<ReturnType<typeof createTestDatabase>>;
    let dir: string;
    let tmp: string;
    let encrypted: string;
    let url: string;
    const targets: string[] = [];
    const bucketOnly = (more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
      ...offsite.swift().env,
      BACKUP_S3_URL: 's3://er-offsite/notes',
      BACKUP_DIR: join(tmp, 'no-such-folder'),
      NOTES_DATA_DIR: join(tmp, 'no-such-data'),
      TMPDIR: tmp,
      ...more,
    });

    beforeAll(async () => {
      source = await createTestDatabase('er_bucket_src');
      await migrate(databaseConnection({ DATABASE_URL: source.url }));
      await seedNotes(source.url);
      dir = await tempFolder('er-bucket-');
      tmp = await tempFolder('er-bucket-tmp-');
      expect((await dbBackup(['create'], { DATABASE_URL: source.url, BACKUP_DIR: dir, BACKUP_COMPRESS: 'gzip' })).code).toBe(0);
      const gzipped = (await readdir(dir)).find((name) => name.endsWith('.sql.gz'))!;
      const entry = await new BackupManifest(dir, join(dir, 'archive')).entry(gzipped);
      // As the write side stores it: the ciphertext, and a record of its sha256 as stored with the plaintext's contents.
      encrypted = formatBackupFileName(source.name, new Date(entry.startedAtMs!), '.sql.gz.age');
      await pipeline(createReadStream(join(dir, gzipped)), await encryptAge([RECIPIENT]), createWriteStream(join(dir, encrypted)));
      const bytes = await readFile(join(dir, encrypted));
      const bucket = offsite.bucketAt('notes/');
      await bucket.upload(encrypted, createReadStream(join(dir, encrypted)), { partSize: 5 * MiB });
      await bucket.putRecord({
        file: encrypted,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
        startedAt: new Date(entry.startedAtMs!).toISOString(),
        contents: entry.contents,
      });
      url = `s3://er-offsite/notes/${encrypted}`;
      await writeFile(join(dir, 'SHA256SUMS'), `${createHash('sha256').update(bytes).digest('hex')}  ${encrypted}\n`, { flag: 'a' });
    }, 120_000);
    afterAll(async () => {
      for (const name of targets) await runSql(`drop database if exists "${name}" with (force)`);
      await source?.drop();
      await removeFolder(dir);
      await removeFolder(tmp);
    });
    const into = () => {
      const name = `er_bucket_into_${Math.random().toString(16).slice(2, 8)}`;
      targets.push(name);
      return { name, url: databaseUrl(name) };
    };

    it.each([
      ['by its URL', () => [url]],
      ['--latest --remote', () => ['--latest', '--remote']],
    ])('restore %s with --identity: the same rows as the source; no temporary copy left', async (_what, which) => {
      const target = into();

      const result = await dbBackup(['restore', ...which(), '--into', target.url, '--identity', IDENTITY], bucketOnly());

      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^restored ${url.replace(/\./g, '\\.')} into ${target.name}: `));
      expect(await rowsOf(target.url)).toEqual(await rowsOf(source.url));
      expect(await readdir(tmp)).toEqual([]);
    });

    it('restore of an encrypted backup from the bucket without an identity: refused in one line before anything is downloaded', async () => {
      const target = into();

      const result = await dbBackup(['restore', url, '--into', target.url], bucketOnly());

      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `db-backup: ${encrypted} is encrypted: give --identity <file> or BACKUP_IDENTITY_FILE (the age identity, AGE-SECRET-KEY-1…, of one of its recipients)\n`,
      );
      expect(await readdir(tmp)).toEqual([]);
    });

    it.each([
      ['without an identity: the sha256 as the bucket recorded it, the contents UNVERIFIED (exit 0)', {}, 'UNVERIFIED', { sealed: true }],
      ['with BACKUP_IDENTITY_FILE: proven', { BACKUP_IDENTITY_FILE: IDENTITY }, 'ok', { proved: 'everything' }],
    ])('verify --remote %s', async (_what, env, verdict, more) => {
      const text = await dbBackup(['verify', '--remote', url], bucketOnly({ DATABASE_URL: source.url, ...env }));
      const json = await dbBackup(['verify', '--remote', url, '--json'], bucketOnly({ DATABASE_URL: source.url, ...env }));

      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(new RegExp(`^${verdict} +${url.replace(/\./g, '\\.')}: sha256 as recorded; `));
      expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ ok: true, problems: [], ...more })]);
    });

    it("verify of the folder's encrypted backup without an identity: its sha256 checked against SHA256SUMS and the bucket's record, UNVERIFIED (exit 0)", async () => {
      const result = await dbBackup(['verify', encrypted], bucketOnly({ BACKUP_DIR: dir }));

      expect(result).toEqual({
        code: 0,
        stdout: `UNVERIFIED  ${join(dir, encrypted)}: sha256 as recorded; its contents not checked (encrypted; give --identity to check its contents); the bucket's record agrees\n`,
        stderr: '',
      });
    });

    it("verify without an identity fails an encrypted backup changed together with its SHA256SUMS line: the bucket's record disagrees", async () => {
      const copyDir = join(tmp, 'changed-together');
      await mkdir(copyDir);
      try {
        const changed = Buffer.from(await readFile(join(dir, encrypted)));
        changed[changed.length - 3]! ^= 0x01;
        await writeFile(join(copyDir, encrypted), changed);
        await writeFile(join(copyDir, 'SHA256SUMS'), `${createHash('sha256').update(changed).digest('hex')}  ${encrypted}\n`);

        const result = await dbBackup(['verify', encrypted], bucketOnly({ BACKUP_DIR: copyDir }));

        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(
          /^FAILED {2}\S+: the bucket's record of \S+ says sha256 [0-9a-f]{64}; the local file and SHA256SUMS were changed together/,
        );
      } finally {
        await removeFolder(copyDir);
      }
    });
  },
);

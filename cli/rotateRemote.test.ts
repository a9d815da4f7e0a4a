import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../test/support/apiProcess.js';
import { closedPort } from '../test/support/standInServers.js';
import { putObjects } from '../test/support/bucketObjects.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../test/support/swiftServer.js';
import { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { createS3Client } from '../functions/backup/offsite/createS3Client.js';
import { formatBackupFileName } from '../functions/backup/retention/backupFileName.js';

const b = (iso: string) => formatBackupFileName('notes', new Date(iso));
const NOW = '2026-11-26T12:00:00Z';
const BACKUPS = ['2026-11-26T10:00:00Z', '2026-11-25T10:00:00Z', '2026-11-24T10:00:00Z', '2026-11-23T10:00:00Z', '2026-11-22T10:00:00Z']
  .concat(['2026-11-21T10:00:00Z', '2026-11-20T10:00:00Z'])
  .map(b);
const EXPIRED = b('2025-01-01T00:00:00Z');
const DAY = 24 * 3_600_000;
/** NODE_OPTIONS that move the command's clock by CLOCK_SHIFT_MS (a machine whose clock is wrong). */
const SHIFTED_CLOCK = `--import=${join(ROOT, 'test/support/shiftClock.mjs')}`;

/** Runs the built ops command line (`npm run -s db-backup -- …`) with only the variables given (no BACKUP_S3_URL of this shell). */
async function dbBackup(args: string[], env: NodeJS.ProcessEnv = {}) {
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

describe('db-backup rotate --remote: command-line mistakes (no server needed)', () => {
  it.each([
    ['without BACKUP_S3_URL', ['rotate', '--remote'], 1, /--remote needs BACKUP_S3_URL=s3:\/\/<bucket>\/<prefix>/],
    ['with --wait', ['rotate', '--remote', '--wait', '3'], 2, /rotate --remote reads only the bucket .* neither --dir nor --wait/],
    ['with --dir', ['rotate', '--remote', '--dir', '/tmp'], 2, /neither --dir nor --wait/],
    ['with create', ['create', '--remote'], 2, /--remote goes with list, rotate, restore --latest and verify/],
  ])('%s: says what to do, with the exit status of a usage or configuration error', async (_case, args, code, message) => {
    const result = await dbBackup(args);

    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});

describeWithSwift('db-backup rotate --remote (the real binary against a real Swift)', () => {
  let swift: SwiftServer;
  let client: S3Client;
  const bucket = () => new BackupBucket(client, { bucket: 'ops', prefix: 'notes/' });
  const remote = () => ({ ...swift.env, BACKUP_S3_URL: 's3://ops/notes' });
  const everything = async () => {
    const { serverTime: _clock, ...listing } = await bucket().list();
    return { ...listing, records: [...listing.records].sort() };
  };

  beforeAll(async () => {
    swift = await startSwiftServer();
    client = createS3Client(swift.env);
    await client.send(new CreateBucketCommand({ Bucket: 'ops' }));
    const keys = [...BACKUPS.map((file) => bucket().keyOf(file)), bucket().keyOf(EXPIRED, 'archive'), bucket().recordKey(EXPIRED)];
    for (const key of [...keys, 'notes/keep-me.txt']) await client.send(new PutObjectCommand({ Bucket: 'ops', Key: key, Body: 'x\n' }));
  }, 90_000);
  afterAll(async () => {
    client?.destroy();
    await swift?.stop();
  });

  it('--dry-run prints the plan and changes nothing in the bucket', async () => {
    const before = await everything();

    const result = await dbBackup(['rotate', '--remote', '--dry-run', '--now', NOW], remote());

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'dry run of s3://ops/notes/, nothing changed: 6 kept, 1 archived, 1 deleted',
        `${BACKUPS[0]}          keep (newest 5, week 2026-11-22, month 2026-11)`,
        `${BACKUPS[1]}          keep (newest 5)`,
        `${BACKUPS[2]}          keep (newest 5)`,
        `${BACKUPS[3]}          keep (newest 5)`,
        `${BACKUPS[4]}          keep (newest 5)`,
        `${BACKUPS[5]}          keep (week 2026-11-15)`,
        `${BACKUPS[6]}          archive`,
        `archive/${EXPIRED}  delete (taken before 2025-11-26T12:00:00.000Z)`,
        '',
      ].join('\n'),
    );
    expect(await everything()).toEqual(before);
  });

  it('rotates the bucket, its record purged with the expired backup, other keys untouched', async () => {
    const result = await dbBackup(['rotate', '--remote', '--now', NOW, '--json'], remote());

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      bucket: 's3://ops/notes/',
      archived: [BACKUPS[6]],
      deleted: [`archive/${EXPIRED}`],
    });
    const after = await everything();
    expect(after.backups.map(({ file }) => file).sort()).toEqual(BACKUPS.slice(0, 6).sort());
    expect(after.archived.map(({ file }) => file)).toEqual([BACKUPS[6]]);
    expect(after.records).toEqual([]);
    expect(after.others).toBe(1);
  });

  it.each([
    [
      'a missing bucket',
      () => ({ ...remote(), BACKUP_S3_URL: 's3://no-such-bucket/notes' }),
      /does not exist: create it, or correct BACKUP_S3_URL/,
    ],
    [
      'a wrong secret (403)',
      () => ({ ...remote(), AWS_SECRET_ACCESS_KEY: 'wrong-secret' }),
      /refused these credentials .*SignatureDoesNotMatch/,
    ],
  ])('with %s: exit 1 and a clear reason, the secret never printed', async (_case, env, message) => {
    const result = await dbBackup(['rotate', '--remote'], env());

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout + result.stderr).not.toContain(swift.env.AWS_SECRET_ACCESS_KEY);
    expect(result.stdout + result.stderr).not.toContain('wrong-secret');
  });

  describe('on a machine whose clock is 400 days ahead of the bucket’s', () => {
    const clockBucket = () => new BackupBucket(client, { bucket: 'ops', prefix: 'clock/' });
    const shifted = () => ({
      ...swift.env,
      BACKUP_S3_URL: 's3://ops/clock/',
      NODE_OPTIONS: SHIFTED_CLOCK,
      CLOCK_SHIFT_MS: String(400 * DAY),
    });
    const contents = async () => {
      const listing = await clockBucket().list();
      return { backups: listing.backups.map(({ file }) => file).sort(), archived: listing.archived, records: [...listing.records].sort() };
    };
    beforeAll(async () => {
      // 14 daily backups and 10 monthly ones, each with its record: a rotation by a clock 400 days ahead would purge 19.
      const now = Date.now();
      const days = [
        ...Array.from({ length: 14 }, (_, day) => now - day * DAY),
        ...Array.from({ length: 10 }, (_, month) => now - (month + 1) * 31 * DAY),
      ];
      const files = days.map((at) => formatBackupFileName('notes', new Date(at)));
      await putObjects(client, 'ops', [
        ...files.map((file) => clockBucket().keyOf(file)),
        ...files.map((file) => clockBucket().recordKey(file)),
      ]);
    });

    it('rotate --remote exits 1, archives and deletes nothing, and says by how much', async () => {
      const before = await contents();

      const result = await dbBackup(['rotate', '--remote'], shifted());

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^db-backup: this machine's clock \(.+\) is 400 days ahead of the bucket's \(the Date of its server's answer\) \(.+\), more than BACKUP_CLOCK_TOLERANCE_MS \(5 min\) allows: nothing was archived or deleted\n$/,
      );
      expect(result.stdout).toBe('');
      expect(await contents()).toEqual(before);
      expect(before.backups).toHaveLength(24);
    });

    it('rotate --remote --dry-run still plans, and says the clocks disagree', async () => {
      const result = await dbBackup(['rotate', '--remote', '--dry-run'], shifted());

      expect(result.code).toBe(0);
      const [heading, warning] = result.stdout.split('\n');
      expect(heading).toMatch(/^dry run of s3:\/\/ops\/clock\/, nothing changed: /);
      expect(warning).toMatch(
        /^warning: this machine's clock .* is 400 days ahead of the bucket's .*: a rotation would archive and delete nothing until they agree$/,
      );
    });

    it('list --remote says so under its heading', async () => {
      const result = await dbBackup(['list', '--remote'], shifted());

      expect(result.code).toBe(0);
      const [heading, warning] = result.stdout.split('\n');
      expect(heading).toMatch(/^s3:\/\/ops\/clock\/: 24 backups, 0 archived; /);
      expect(warning).toMatch(
        /^warning: this machine's clock .* is 400 days ahead of the bucket's .*: a rotation would archive and delete nothing until they agree$/,
      );
    });
  });

  it('with an unreachable server: exit 1 and says so', async () => {
    const result = await dbBackup(['rotate', '--remote'], { ...remote(), AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await closedPort()}` });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the server of s3:\/\/ops\/notes\/ \(ECONNREFUSED\)/);
  });
});

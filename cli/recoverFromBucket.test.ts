import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { BackupBucket, RECORD_LIMIT_BYTES } from '../functions/backup/offsite/BackupBucket.js';
import { createS3Client } from '../functions/backup/offsite/createS3Client.js';
import { BackupManifest } from '../functions/backup/folder/BackupManifest.js';
import { DEFAULT_RETENTION_POLICY } from '../functions/backup/retention/RetentionPolicy.js';
import { listRemote } from './listRemote.js';
import { formatBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { migrate } from '../functions/db/migrate.js';
import { ROOT } from '../test/support/apiProcess.js';
import { rowsOf } from '../test/support/compareDatabases.js';
import { createTestDatabase } from '../test/support/postgres.js';
import { closedPort } from '../test/support/standInServers.js';
import { type SwiftServer, describeWithSwift, startSwiftServer } from '../test/support/swiftServer.js';
import { startThrowAwayServer } from '../test/support/throwAwayServer.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';

/** The built ops command line, as `npm run -s db-backup -- …` runs it, with only the environment given (and PATH, HOME). */
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

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const MiB = 1024 * 1024;

describeWithSwift('recovery from the bucket alone (real Swift, the real db-backup binary, a brand-new initdb server)', () => {
  let swift: SwiftServer;
  let client: S3Client;
  let source: Awaited<ReturnType<typeof createTestDatabase>>;
  let target: Awaited<ReturnType<typeof startThrowAwayServer>>;
  let dir: string;
  /** The TMPDIR of every command: whatever a download leaves behind is found here. */
  let tmp: string;
  let older: string;
  let newer: string;
  let bucket: BackupBucket;
  /** A copy of the backup folder, kept for the second-witness cases after the folder is wiped. */
  let witnessDir: string;
  /** Only the bucket's variables: a brand-new machine, no backup folder, no database configured. */
  const bucketOnly = (more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...swift.env,
    BACKUP_S3_URL: 's3://offsite/notes',
    BACKUP_DIR: join(tmp, 'no-such-folder'),
    NOTES_DATA_DIR: join(tmp, 'no-such-data'),
    TMPDIR: tmp,
    ...more,
  });

  /** What helper A's upload leaves in the bucket: the object, then its record from the folder's manifest. */
  async function putOffsite(file: string, place: BackupBucket = bucket) {
    const entry = await new BackupManifest(dir, join(dir, 'archive')).entry(file);
    await place.upload(file, createReadStream(join(dir, file)), { partSize: 5 * MiB });
    const bytes = (await readFile(join(dir, file))).length;
    await place.putRecord({
      file,
      sha256: entry.sha256!,
      bytes,
      startedAt: new Date(entry.startedAtMs!).toISOString(),
      contents: entry.contents,
    });
  }

  beforeAll(async () => {
    [swift, target] = await Promise.all([startSwiftServer(), startThrowAwayServer()]);
    client = createS3Client(swift.env);
    await client.send(new CreateBucketCommand({ Bucket: 'offsite' }));
    bucket = new BackupBucket(client, { bucket: 'offsite', prefix: 'notes/' });
    source = await createTestDatabase('notes_t_offsite');
    await migrate(databaseConnection({ DATABASE_URL: source.url }));
    const db = new pg.Client({ connectionString: source.url });
    await db.connect();
    await db.query(`insert into notes (title, body) select 'note ' || i, 'body ' || i from generate_series(1, 1234) i`);
    await db.end();
    dir = await tempFolder();
    tmp = await tempFolder();
    const server = { DATABASE_URL: source.url, BACKUP_DIR: dir };
    expect((await dbBackup(['create'], server)).code).toBe(0);
    const db2 = new pg.Client({ connectionString: source.url });
    await db2.connect();
    await db2.query(`insert into notes (title, body) values ('the newest note', 'only in the newer backup')`);
    await db2.end();
    expect((await dbBackup(['create'], server)).code).toBe(0);
    [older, newer] = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort() as [string, string];
    await putOffsite(older);
    await putOffsite(newer);
    witnessDir = await tempFolder();
    await cp(dir, witnessDir, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await Promise.all([
      swift?.stop(),
      target?.stop(),
      source?.drop(),
      dir && removeFolder(dir),
      tmp && removeFolder(tmp),
      witnessDir && removeFolder(witnessDir),
    ]);
  });

  it('list --remote: every backup newest first, with its URL, size, record and the rules that keep it', async () => {
    const result = await dbBackup(['list', '--remote'], bucketOnly());

    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('s3://offsite/notes/: 2 backups, 0 archived; 2 kept, 0 archived, 0 deleted if rotated now');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^s3://offsite/notes/${newer.replace(/\./g, '\\.')}  +\\d+\\.\\d kB  recorded   keep \\(newest 5, week `),
      ),
      expect.stringMatching(
        new RegExp(`^s3://offsite/notes/${older.replace(/\./g, '\\.')}  +\\d+\\.\\d kB  recorded   keep \\(newest 5\\)$`),
      ),
    ]);
  });
  it('restore --latest --remote: the local folder wiped, the newest backup onto a brand-new server, rows as in the source; no temp file left', async () => {
    await rm(dir, { recursive: true, force: true });

    const result = await dbBackup(['restore', '--latest', '--remote', '--into', target.url('notes')], bucketOnly());

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^restored s3://offsite/notes/${newer.replace(/\./g, '\\.')} into notes: \\d+ tables, `));
    expect(await rowsOf(target.url('notes'))).toEqual(await rowsOf(source.url));
    expect(await readdir(tmp)).toEqual([]);
  });

  it('restore s3://…: the older backup by its URL', async () => {
    const result = await dbBackup(['restore', `s3://offsite/notes/${older}`, '--into', target.url('notes_older'), '--json'], bucketOnly());

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      file: `s3://offsite/notes/${older}`,
      database: 'notes_older',
      rowsByTable: { 'public.notes': 1234 },
    });
    expect(await readdir(tmp)).toEqual([]);
  });

  it.each([
    ['restore', (url: string) => ['restore', url, '--into', target.url('notes_tampered')]],
    ['verify --remote', (url: string) => ['verify', '--remote', url]],
  ])("%s refuses an object whose sha256 is not its record's, restoring nothing and leaving no temp file", async (_command, args) => {
    const tampered = new BackupBucket(client, { bucket: 'offsite', prefix: 'tampered/' });
    const { body } = await bucket.download(bucket.keyOf(older));
    const bytes = Buffer.concat(await body.toArray());
    const changed = Buffer.from(bytes.toString('latin1').replace('note 17\t', 'note 71\t'), 'latin1');
    expect(sha256(changed)).not.toBe(sha256(bytes));
    await client.send(new PutObjectCommand({ Bucket: 'offsite', Key: tampered.keyOf(older), Body: changed }));
    await tampered.putRecord((await bucket.readRecord(older))!);

    const result = await dbBackup(args(`s3://offsite/tampered/${older}`), bucketOnly());

    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain(
      `s3://offsite/tampered/${older}: its sha256 is not the one the bucket recorded when it was written (changed or damaged since): recorded ${sha256(bytes)}`,
    );
    const databases = new pg.Client({ connectionString: target.url() });
    await databases.connect();
    const { rows } = await databases.query(`select datname from pg_database where datname = 'notes_tampered'`);
    await databases.end();
    expect(rows).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('verify --remote --latest: downloaded, restored in a scratch database and dumped again, the record as reference', async () => {
    const result = await dbBackup(['verify', '--remote', '--latest'], { ...bucketOnly(), DATABASE_URL: source.url });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^ok      s3://offsite/notes/${newer.replace(/\./g, '\\.')}: sha256 as recorded; restored and dumped again: the same bytes`,
      ),
    );
    expect(await readdir(tmp)).toEqual([]);
  });

  it.each([
    [
      'a missing bucket',
      { BACKUP_S3_URL: 's3://no-such-bucket/notes' },
      /^db-backup: the bucket of s3:\/\/no-such-bucket\/notes\/ does not exist: create it, or correct BACKUP_S3_URL\n$/,
    ],
    [
      'a wrong secret (403)',
      { AWS_SECRET_ACCESS_KEY: 'wrong' },
      /^db-backup: the bucket refused these credentials for s3:\/\/offsite\/notes\/ \(SignatureDoesNotMatch\)/,
    ],
    [
      'an unreachable server',
      { AWS_ENDPOINT_URL_S3: 'closed' },
      /^db-backup: cannot reach the server of s3:\/\/offsite\/notes\/ \(ECONNREFUSED\)/,
    ],
    ['no BACKUP_S3_URL', { BACKUP_S3_URL: '' }, /^db-backup: restore --remote needs BACKUP_S3_URL=s3:\/\/<bucket>\/<prefix>/],
  ])('says what is wrong with %s, exit 1, nothing restored', async (_case, change, message) => {
    const env = bucketOnly(change);
    if (env.AWS_ENDPOINT_URL_S3 === 'closed') env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${await closedPort()}`;

    const result = await dbBackup(['restore', '--latest', '--remote', '--into', target.url('notes_never')], env);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(swift.env.AWS_SECRET_ACCESS_KEY);
    expect(await readdir(tmp)).toEqual([]);
  });
  it("local verify: a backup and its SHA256SUMS line changed together pass on their own, and fail against the bucket's record", async () => {
    const folder = await tempFolder();
    await cp(witnessDir, folder, { recursive: true });
    const original = await readFile(join(folder, older));
    const changed = Buffer.from(original.toString('latin1').replace('note 17\t', 'note 71\t'), 'latin1');
    await writeFile(join(folder, older), changed);
    const sums = await readFile(join(folder, 'SHA256SUMS'), 'utf8');
    await writeFile(join(folder, 'SHA256SUMS'), sums.replace(sha256(original), sha256(changed)));
    // Everything local was changed: only the bucket still knows what was written.
    await rm(join(folder, '.db-backup-contents.json'));
    const local = { DATABASE_URL: source.url, BACKUP_DIR: folder, TMPDIR: tmp };
    try {
      const alone = await dbBackup(['verify', older], local);
      const witnessed = await dbBackup(['verify', older], { ...swift.env, ...local, BACKUP_S3_URL: 's3://offsite/notes' });

      expect(alone.code).toBe(0);
      expect(witnessed.code).toBe(1);
      expect(witnessed.stdout).toContain(
        `FAILED  ${join(folder, older)}: the bucket's record of ${older} says sha256 ${sha256(original)}; ` +
          `the local file and SHA256SUMS were changed together (both say ${sha256(changed)})`,
      );
    } finally {
      await removeFolder(folder);
    }
  });

  it.each([
    ['the record agrees', 's3://offsite/notes', undefined, "; the bucket's record agrees"],
    [
      'no record (not offsite yet): said, not failed',
      's3://offsite/elsewhere',
      undefined,
      `; not offsite yet: the bucket has no record of `,
    ],
    [
      'an unreachable bucket: said, and the local verification still runs',
      's3://offsite/notes',
      'closed',
      "; the bucket's record could not be read (cannot reach the server of s3://offsite/notes/records/",
    ],
  ])('local verify with BACKUP_S3_URL: %s', async (_case, url, endpoint, note) => {
    const env: NodeJS.ProcessEnv = { ...swift.env, DATABASE_URL: source.url, BACKUP_DIR: witnessDir, BACKUP_S3_URL: url, TMPDIR: tmp };
    if (endpoint) env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${await closedPort()}`;

    const result = await dbBackup(['verify', newer], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok {6}/);
    expect(result.stdout).toContain(note);
  });

  describe("a damaged record (not JSON, the wrong shape, another backup's) is no witness: every command says so", () => {
    const damaged = new URL('s3://offsite/damaged/');
    /** The newer backup under the prefix damaged/, its record replaced by `body`. */
    async function withDamagedRecord(body: string) {
      const place = new BackupBucket(client, { bucket: 'offsite', prefix: 'damaged/' });
      // The folder may be wiped by now: the copy kept for the witness cases has the backup.
      await place.upload(newer, await readFile(join(witnessDir, newer)), { partSize: 5 * MiB });
      await client.send(new PutObjectCommand({ Bucket: 'offsite', Key: place.recordKey(newer), Body: body }));
      return { record: `s3://offsite/damaged/records/${newer}.json`, url: `s3://offsite/damaged/${newer}` };
    }
    const notCreated = async (database: string) => {
      const databases = new pg.Client({ connectionString: target.url() });
      await databases.connect();
      const { rows } = await databases.query('select datname from pg_database where datname = $1', [database]);
      await databases.end();
      return rows.length === 0;
    };

    it.each([
      ['restore s3://… (the record null)', 'null', 'it is null, not a JSON object', (url: string) => ['restore', url]],
      ['restore --latest --remote (not JSON)', '{{{', 'it is not JSON (', () => ['restore', '--latest', '--remote']],
    ])('%s: refused, nothing restored or downloaded, and how to go on', async (_case, body, problem, args) => {
      const { record, url } = await withDamagedRecord(body);

      const result = await dbBackup([...args(url), '--into', target.url('notes_damaged')], bucketOnly({ BACKUP_S3_URL: damaged.href }));

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`db-backup: the bucket's record ${record} is damaged: ${problem}`);
      expect(result.stderr).toContain(
        `. ${url} is not restored, nothing changed: restore another backup by its URL (list --remote prints them), or, ` +
          'to restore this one unchecked, download it yourself',
      );
      expect(await notCreated('notes_damaged')).toBe(true);
      expect(await readdir(tmp)).toEqual([]);
    });

    it('verify --remote: FAILED, saying which record and what is wrong (no crash), nothing downloaded', async () => {
      const recorded = JSON.parse(JSON.stringify(await bucket.readRecord(newer)));
      const { record, url } = await withDamagedRecord(JSON.stringify({ ...recorded, contents: { rows: null } }));

      const result = await dbBackup(['verify', '--remote', url], bucketOnly());

      expect(result.code).toBe(1);
      expect(result.stdout).toBe(
        `FAILED  ${url}: the bucket's record ${record} is damaged: its contents.rows is null, not rows per table: it cannot be proven\n`,
      );
      expect(result.stderr).toBe('db-backup: of 1 backup, 1 failed verification\n');
      expect(await readdir(tmp)).toEqual([]);
    });

    it.each([
      ['a string', '"hello"', 'it is "hello", not a JSON object'],
      ['null', 'null', 'it is null, not a JSON object'],
      ["another backup's record", 'older', 'its file is "OLDER", not "NEWER" (the record of another backup)'],
      [
        'over 16 MiB (refused from its length, before it is read)',
        ' '.repeat(RECORD_LIMIT_BYTES + 1),
        "it is 16,777,217 bytes or more, over a record's 16 MiB",
      ],
    ])('local verify, the record %s: the local file is not accused, the witness is said to be damaged', async (_case, body, problem) => {
      const { record } = await withDamagedRecord(body === 'older' ? JSON.stringify(await bucket.readRecord(older)) : body);
      const env = { ...swift.env, DATABASE_URL: source.url, BACKUP_DIR: witnessDir, BACKUP_S3_URL: damaged.href, TMPDIR: tmp };

      const result = await dbBackup(['verify', newer], env);

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^ok {6}${join(witnessDir, newer).replace(/\./g, '\\.')}: sha256 as recorded`));
      expect(result.stdout).toContain(
        `; the bucket's record ${record} is damaged: ${problem.replace('OLDER', older).replace('NEWER', newer)}`,
      );
      expect(result.stdout).toMatch(/: no second witness, checked against the local records only\n$/);
    });
  });

  describe('--latest and a wrong clock: newer backups are never passed over in silence', () => {
    const DAY = 86_400_000;
    /** This machine's clock `ms` off (negative: behind), for the command only. */
    const shifted = (ms: number) => ({ NODE_OPTIONS: `--import=${join(ROOT, 'test/support/shiftClock.mjs')}`, CLOCK_SHIFT_MS: String(ms) });
    let fiveDaysAgo: string;
    /** Under `prefix`: the older backup's bytes named 5 days ago, and the newer backup (named now), each with its record. */
    async function bucketOf(prefix: string, more: string[] = []) {
      const place = new BackupBucket(client, { bucket: 'offsite', prefix });
      for (const [file, from] of [[fiveDaysAgo, older], [newer, newer], ...more.map((file) => [file, newer])] as [string, string][]) {
        const bytes = await readFile(join(witnessDir, from));
        await place.upload(file, bytes, { partSize: 5 * MiB });
        await place.putRecord({ file, sha256: sha256(bytes), bytes: bytes.length, startedAt: new Date().toISOString() });
      }
      return place;
    }
    beforeAll(() => {
      fiveDaysAgo = formatBackupFileName(source.name, new Date(Date.now() - 5 * DAY));
    });

    it("restore --latest --remote on a machine 3 days behind: today's backup, by the server's clock, and says so", async () => {
      await bucketOf('behind/');

      const result = await dbBackup(
        ['restore', '--latest', '--remote', '--into', target.url('notes_behind')],
        bucketOnly({ BACKUP_S3_URL: 's3://offsite/behind', DATABASE_URL: source.url, ...shifted(-3 * DAY) }),
      );

      expect(result.stderr).toBe(
        "db-backup: this machine's clock is 3 days behind the server of s3://offsite/behind/ (check it: date -u): the newest backup is taken by the server's clock\n",
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^restored s3://offsite/behind/${newer.replace(/\./g, '\\.')} into notes_behind: `));
    });

    it('list --remote on a machine 3 days behind: plans by the server\'s clock (the newest is not "future-dated")', async () => {
      await bucketOf('behind-list/');

      const result = await dbBackup(['list', '--remote'], bucketOnly({ BACKUP_S3_URL: 's3://offsite/behind-list', ...shifted(-3 * DAY) }));

      expect(result.code).toBe(0);
      const [heading, warning, newest] = result.stdout.split('\n');
      expect(heading).toBe(
        "s3://offsite/behind-list/: 2 backups, 0 archived; 2 kept, 0 archived, 0 deleted if rotated now (by the server's clock: this machine's is 3 days behind)",
      );
      // And a rotation would do nothing until the clocks agree (the bucket's clock guards its rotation).
      expect(warning).toMatch(
        /^warning: this machine's clock \(.+\) is 3 days behind the bucket's .*: a rotation would archive and delete nothing until they agree$/,
      );
      expect(newest).toMatch(new RegExp(`^s3://offsite/behind-list/${newer.replace(/\./g, '\\.')} .* recorded   keep \\(newest 5, `));
    });

    it('restore --latest --remote passing over a backup named 2 days ahead: says which, and how to take it', async () => {
      const ahead = formatBackupFileName(source.name, new Date(Date.now() + 2 * DAY));
      await bucketOf('ahead/', [ahead]);

      const result = await dbBackup(
        ['restore', '--latest', '--remote', '--into', target.url('notes_ahead')],
        bucketOnly({ BACKUP_S3_URL: 's3://offsite/ahead', DATABASE_URL: source.url }),
      );

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^restored s3://offsite/ahead/${newer.replace(/\./g, '\\.')} into notes_ahead: `));
      expect(result.stderr).toMatch(
        new RegExp(
          `^db-backup: 1 newer backup with a record is named after now \\(\\S+Z by the server's clock, give or take 5 min\\), the newest s3://offsite/ahead/${ahead.replace(/\./g, '\\.')}: ` +
            'a clock ran ahead when it was named\\. ' +
            `Took s3://offsite/ahead/${newer.replace(/\./g, '\\.')} instead; to take the newest, name it by its URL: restore s3://offsite/ahead/${ahead.replace(/\./g, '\\.')} --into <postgres-url>\n$`,
        ),
      );
    });

    it('local restore --latest on a machine 3 days behind: takes the backup of 5 days ago, and says the newer ones were passed over', async () => {
      const folder = await tempFolder();
      await cp(witnessDir, folder, { recursive: true });
      await cp(join(witnessDir, older), join(folder, fiveDaysAgo));
      try {
        const result = await dbBackup(['restore', '--latest', '--into', target.url('notes_behind_local')], {
          DATABASE_URL: source.url,
          BACKUP_DIR: folder,
          TMPDIR: tmp,
          ...shifted(-3 * DAY),
        });

        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^restored ${join(folder, fiveDaysAgo).replace(/\./g, '\\.')} into notes_behind_local: `));
        expect(result.stderr).toMatch(
          new RegExp(
            `^db-backup: 2 newer backups of ${source.name} in ${folder} are named after this machine's now \\(\\S+Z, give or take 5 min\\), ` +
              `the newest ${newer.replace(/\./g, '\\.')}: this machine's clock may be behind \\(check it: date -u\\), or a clock ran ahead when they were named\\. ` +
              `Took ${fiveDaysAgo.replace(/\./g, '\\.')} instead; to restore the newest, name it: restore ${newer.replace(/\./g, '\\.')} --into <postgres-url>\n$`,
          ),
        );
      } finally {
        await removeFolder(folder);
      }
    });
  });

  describe('a hung server (SIGSTOP): every bucket call of a command has a limit', () => {
    it('local verify --all: the record could not be read (15 s), not asked again, and the local verification stands', async () => {
      const env = { ...swift.env, DATABASE_URL: source.url, BACKUP_DIR: witnessDir, BACKUP_S3_URL: 's3://offsite/notes', TMPDIR: tmp };
      swift.freeze();
      let result: Awaited<ReturnType<typeof dbBackup>>;
      try {
        result = await dbBackup(['verify', '--all'], env);
      } finally {
        swift.thaw();
      }

      expect(result.code).toBe(0);
      const [first, second] = result.stdout.trim().split('\n');
      expect(first).toMatch(new RegExp(`^ok {6}${join(witnessDir, newer).replace(/\./g, '\\.')}: sha256 as recorded; `));
      expect(first).toMatch(
        new RegExp(
          `; the bucket's record could not be read \\(the server of s3://offsite/notes/records/${newer.replace(/\./g, '\\.')}\\.json ` +
            'did not answer within 15 s\\): checked against the local records only$',
        ),
      );
      expect(second).toMatch(new RegExp(`^ok {6}${join(witnessDir, older).replace(/\./g, '\\.')}: sha256 as recorded; `));
      expect(second).toMatch(/; the bucket's record was not asked for \(it could not be read above\)$/);
    }, 120_000);

    it('restore s3://…: ends when the record does not come within 15 s, nothing restored, no temp file', async () => {
      swift.freeze();
      let result: Awaited<ReturnType<typeof dbBackup>>;
      try {
        result = await dbBackup(['restore', `s3://offsite/notes/${newer}`, '--into', target.url('notes_hung')], bucketOnly());
      } finally {
        swift.thaw();
      }

      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`db-backup: the server of s3://offsite/notes/records/${newer}.json did not answer within 15 s\n`);
      expect(await readdir(tmp)).toEqual([]);
    }, 120_000);

    it('list --remote: ends with the reason when the listing does not answer within its limit', async () => {
      swift.freeze();
      try {
        await expect(listRemote(bucket, DEFAULT_RETENTION_POLICY, undefined, () => undefined, 2_000)).rejects.toMatchObject({
          code: 'OFFSITE_UNREACHABLE',
          message: 'the server of s3://offsite/notes/ did not answer within 2 s',
        });
      } finally {
        swift.thaw();
      }
    });
  });

  it('list --remote reads every page: 1,005 backups under one prefix, newest first', async () => {
    const many = new BackupBucket(client, { bucket: 'offsite', prefix: 'many/' });
    const files = Array.from(
      { length: 1005 },
      (_, i) => `many_${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString().replace(/:/g, '-')}.sql`,
    );
    for (let start = 0; start < files.length; start += 25) {
      await Promise.all(
        files
          .slice(start, start + 25)
          .map((file) => client.send(new PutObjectCommand({ Bucket: 'offsite', Key: many.keyOf(file), Body: 'x' }))),
      );
    }

    const result = await dbBackup(
      ['list', '--remote', '--json', '--now', '2026-01-02T00:00:00Z'],
      bucketOnly({ BACKUP_S3_URL: 's3://offsite/many' }),
    );

    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as { backups: { file: string; recorded: boolean }[] };
    expect(listed.backups.map((backup) => backup.file)).toEqual([...files].reverse());
    expect(listed.backups.every((backup) => !backup.recorded)).toBe(true);
  });
});

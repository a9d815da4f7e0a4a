import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { appendFile, chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../test/support/apiProcess.js';
import { createTestDatabase, describeWithPostgres } from '../test/support/postgres.js';
import { namesIn, removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { formatBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { withFolderLock } from '../functions/backup/folder/withFolderLock.js';
import { startNotes } from '../test/support/cliProcess.js';
import { startThrowAwayServer } from '../test/support/throwAwayServer.js';

const b = (iso: string) => formatBackupFileName('notes', new Date(iso));

/** Runs the built ops command line (`npm run -s db-backup -- …`) and returns its exit code and output. */
async function dbBackup(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run db-backup (the ops command line)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder();
    await Promise.all(
      [
        '2026-11-26T10:00:00Z',
        '2026-11-25T10:00:00Z',
        '2026-11-24T10:00:00Z',
        '2026-11-23T10:00:00Z',
        '2026-11-22T10:00:00Z',
        '2026-11-21T10:00:00Z',
        '2026-11-20T10:00:00Z',
      ].map((iso) => writeFile(join(dir, b(iso)), 'x\n')),
    );
  });
  afterEach(() => removeFolder(dir));

  it('rotate --dry-run prints the plan and changes nothing', async () => {
    const before = await namesIn(dir);

    const result = await dbBackup(['rotate', '--dry-run', '--dir', dir, '--now', '2026-11-26T12:00:00Z']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `dry run of ${dir}, nothing changed: 6 kept, 1 archived, 0 deleted`,
        `${b('2026-11-26T10:00:00Z')}  keep (newest 5, week 2026-11-22, month 2026-11)`,
        `${b('2026-11-25T10:00:00Z')}  keep (newest 5)`,
        `${b('2026-11-24T10:00:00Z')}  keep (newest 5)`,
        `${b('2026-11-23T10:00:00Z')}  keep (newest 5)`,
        `${b('2026-11-22T10:00:00Z')}  keep (newest 5)`,
        `${b('2026-11-21T10:00:00Z')}  keep (week 2026-11-15)`,
        `${b('2026-11-20T10:00:00Z')}  archive`,
        '',
      ].join('\n'),
    );
    expect(await namesIn(dir)).toEqual(before);
  });

  it('rotate moves what the plan says to the archive, with --json', async () => {
    const result = await dbBackup(['rotate', '--dir', dir, '--now', '2026-11-26T12:00:00Z', '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).archived).toEqual([b('2026-11-20T10:00:00Z')]);
    expect(await namesIn(join(dir, 'archive'))).toEqual([b('2026-11-20T10:00:00Z')]);
  });

  it('list shows the keep reasons in another time zone', async () => {
    const result = await dbBackup(['list', '--dir', dir, '--now', '2026-11-26T12:00:00Z', '--tz', 'Pacific/Kiritimati', '--json']);

    expect(result.code).toBe(0);
    // In UTC+14, 2026-11-21T10:00Z is already Sunday the 22nd (the week of the newer ones), so it is
    // archived, while 2026-11-20T10:00Z (Saturday the 21st there) is the newest of the week before.
    const plan = JSON.parse(result.stdout);
    expect(plan.archived).toEqual([b('2026-11-21T10:00:00Z')]);
    expect(plan.kept.at(-1)).toEqual({ file: b('2026-11-20T10:00:00Z'), reasons: ['week 2026-11-15'] });
  });

  const two = [b('2026-11-26T10:00:00Z'), b('2026-11-20T10:00:00Z')];
  const markedIn = (base: string | undefined) =>
    Object.fromEntries(
      two.map((file) => [file, { ...(base ? { url: `${base}${file}` } : {}), key: `notes/${file}`, at: '2026-11-26T10:00:09.000Z' }]),
    );
  it.each([
    [
      'marks two backups offsite in the bucket of BACKUP_S3_URL: a column says which',
      markedIn('s3://backups/notes/'),
      's3://backups/notes/',
      two,
    ],
    [
      'marks two backups offsite in another bucket (BACKUP_S3_URL changed since): every backup is local only',
      markedIn('s3://old-backups/notes/'),
      's3://backups/notes/',
      [],
    ],
    [
      'marks two backups offsite under another prefix (the prefix corrected since): every backup is local only',
      markedIn('s3://backups/notez/'),
      's3://backups/notes/',
      [],
    ],
    ['has marks without a bucket (written before marks named it): not trusted, local only', markedIn(undefined), 's3://backups/notes/', []],
    ['has no mark, with BACKUP_S3_URL set: every backup is local only', {}, 's3://backups/notes/', []],
    ['has marks but no BACKUP_S3_URL: no column (no bucket to be offsite in)', markedIn('s3://backups/notes/'), undefined, undefined],
  ])('list, when the manifest %s; --json carries the marks there (no bucket call)', async (_case, marks, url, offsite) => {
    await writeFile(
      join(dir, '.db-backup-contents.json'),
      `${JSON.stringify(Object.fromEntries(Object.entries(marks).map(([file, mark]) => [file, { offsite: mark }])))}\n`,
    );
    const env = url ? { BACKUP_S3_URL: url } : {};
    const where = (file: string) => (offsite ? `${(offsite.includes(file) ? 'offsite' : 'local only').padEnd(10)}  ` : '');

    const text = await dbBackup(['list', '--dir', dir, '--now', '2026-11-26T12:00:00Z'], env);
    const json = await dbBackup(['list', '--dir', dir, '--now', '2026-11-26T12:00:00Z', '--json'], env);

    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(1, 4)).toEqual([
      `${b('2026-11-26T10:00:00Z')}  ${where(b('2026-11-26T10:00:00Z'))}keep (newest 5, week 2026-11-22, month 2026-11)`,
      `${b('2026-11-25T10:00:00Z')}  ${where(b('2026-11-25T10:00:00Z'))}keep (newest 5)`,
      `${b('2026-11-24T10:00:00Z')}  ${where(b('2026-11-24T10:00:00Z'))}keep (newest 5)`,
    ]);
    expect(text.stdout).toContain(`${b('2026-11-20T10:00:00Z')}  ${where(b('2026-11-20T10:00:00Z'))}archive\n`);
    expect(JSON.parse(json.stdout).offsite).toEqual(Object.fromEntries((offsite ?? []).map((file) => [file, marks[file]])));
  });

  // Never "run as root" (NOTES_UID=0): the functions never run as root.
  (process.getuid?.() === 0 ? it.each : it.skip.each)([
    [0, 0, 0o755, (dir: string) => `(owner uid 0, mode 755): make it writable for that uid (chown 65534 ${dir})\n`],
    [
      1000,
      1001,
      0o755,
      (dir: string) =>
        `(owner uid 1000, mode 755): make it writable for that uid (chown 65534 ${dir}), or run as its owner (with docker compose: NOTES_UID=1000 NOTES_GID=1001)\n`,
    ],
    [65534, 65534, 0o555, (dir: string) => `(owner uid 65534, mode 555): let its owner write it (chmod u+rwx ${dir})\n`],
  ])(
    'says which uid may not write the folder of %i:%i, and how to fix it (run as uid 65534 with setpriv)',
    async (uid, gid, mode, hint) => {
      await chown(dir, uid, gid);
      await chmod(dir, mode);

      const result = await promisify(execFile)(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(ROOT, 'dist/cli/db-backup.js'), 'rotate', '--dir', dir],
        { env: { ...process.env, BACKUP_DIR: dir } },
      ).catch((error: { code: number; stderr: string }) => error);

      expect((result as { code: number }).code).toBe(1);
      expect((result as { stderr: string }).stderr).toContain(`the backup folder ${dir} is not writable by uid 65534 ${hint(dir)}`);
    },
  );

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /name a command/],
    [['rotate', '--now', 'yesterday'], /--now must be an ISO-8601 instant/],
    [['rotate', '--now', '2026-02-31T00:00:00Z'], /--now must be an ISO-8601 instant.*got "2026-02-31T00:00:00Z"/],
    [['rotate', '--tz', 'Mars/Olympus'], /--tz must be an IANA time zone/],
    [['rotate', '--bogus'], /^db-backup: unknown option --bogus \(see --help\)\n$/],
    [['create', '--dry-run'], /create takes neither/],
    [['rotate', '--wait', 'soon'], /--wait must be a whole number of seconds from 0 to 900 \(got "soon"\)/],
    [['rotate', '--wait', '901'], /--wait must be a whole number of seconds from 0 to 900/],
    [['list', '--wait', '5'], /--wait goes with rotate/],
    [['rotate', '--full'], /--full goes with create/],
    [['create', '--full=yes'], /^db-backup: --full takes no value \(got --full=yes\): write --full alone\n$/],
    [['rotate', '--dry-run=1'], /--dry-run takes no value \(got --dry-run=1\)/],
    [['rotate', '--no-dry-run=0'], /--no-dry-run takes no value/],
    [['rotate', '--dry-run', '--wait', '5'], /--wait goes with rotate \(a dry run takes no lock/],
  ])('exits 2 with a clear message for %j, changing nothing', async (args, message) => {
    const before = await namesIn(dir);

    const result = await dbBackup([...args, ...(args.includes('--tz') || args.length === 0 ? [] : ['--dir', dir])], { BACKUP_DIR: dir });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await namesIn(dir)).toEqual(before);
  });

  describe('rotate while a backup holds the folder (the lock held by this test process)', () => {
    let release: () => void;
    let held: Promise<void>;
    beforeEach(async () => {
      const locked = new Promise<void>((resolve) => {
        held = withFolderLock(dir, () => {
          resolve();
          return new Promise<void>((done) => {
            release = done;
          });
        });
      });
      await locked;
    });
    afterEach(async () => {
      release();
      await held;
    });
    const rotate = (wait: string[]) =>
      startNotes(['rotate', '--dir', dir, '--now', '2026-11-26T12:00:00Z', ...wait], { LOG_FILE: '' }, { entry: 'dist/cli/db-backup.js' });

    it('waits for it to end, then rotates, and says it waited', async () => {
      const run = rotate([]);
      await run.waitFor(/"event":"rotation\.waiting"/);
      expect(await namesIn(join(dir, 'archive'))).toEqual([]);

      release();
      const { code, stdout, stderr } = await run.exited;

      expect({ code, stderr: stderr.split('\n').filter((line) => line && !line.includes('"rotation.waiting"')) }).toEqual({
        code: 0,
        stderr: [],
      });
      expect(stdout.split('\n')[0]).toMatch(
        new RegExp(`^rotated ${dir} after waiting \\d+\\.\\d s for a running backup or rotation to end: 6 kept, 1 archived, 0 deleted$`),
      );
      expect(await namesIn(join(dir, 'archive'))).toEqual([b('2026-11-20T10:00:00Z')]);
    });

    it.each([
      [
        '--wait 1',
        ['--wait', '1'],
        'db-backup: waited 1 s for the backup or rotation holding DIR to end (the wait limit): nothing was rotated; try again',
      ],
      [
        '--wait 0',
        ['--wait', '0'],
        'db-backup: a backup or rotation is already running for this backup folder (a lock whose holder died is taken over 20 s after its last refresh)',
      ],
    ])('with %s, fails as in progress when it outlasts the wait, and changes nothing', async (_what, wait, message) => {
      const before = await namesIn(dir);

      const { code, stdout, stderr } = await rotate(wait).exited;

      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr.split('\n')).toContain(message.replace('DIR', dir));
      expect(await namesIn(dir)).toEqual(before);
    });
  });

  it('exits 1 (a configuration error, not a usage error) for a bad BACKUP_ setting, also when --dir is given', async () => {
    const result = await dbBackup(['list', '--dir', dir], { BACKUP_KEEP_LAST: '-1' });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('db-backup: BACKUP_KEEP_LAST must be a whole number from 0 to 10000 (got "-1")\n');
  });

  it('exits 1 naming an unknown BACKUP_ setting', async () => {
    const result = await dbBackup(['list'], { BACKUP_DIR: dir, BACKUP_KEEP_LST: '3' });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^db-backup: unknown setting BACKUP_KEEP_LST;/);
  });
});

describeWithPostgres('npm run db-backup create', () => {
  it('writes one backup and prints its name', async () => {
    const database = await createTestDatabase();
    const dir = await tempFolder();
    try {
      await mkdir(dir, { recursive: true });
      const result = await dbBackup(['create'], { DATABASE_URL: database.url, BACKUP_DIR: dir });

      expect(result.code).toBe(0);
      const files = await namesIn(dir);
      expect(files).toHaveLength(1);
      expect(result.stdout).toMatch(
        new RegExp(`^created ${files[0]!.replace(/\./g, '\\.')} \\(\\d+ bytes, \\d+ ms, sha256 [0-9a-f]{64}\\)\\n$`),
      );
    } finally {
      await removeFolder(dir);
      await database.drop();
    }
  });

  // A server of its own: on the shared one, other suites' transactions move nextXid and make every backup a dump.
  it('says "unchanged since" the backup it made the new one from, and warns when that one no longer matches its checksum', async () => {
    const server = await startThrowAwayServer({ autovacuum: 'off' });
    const database = await createTestDatabase('notes_create', { adminUrl: server.url() });
    const dir = await tempFolder();
    const create = async () => {
      const before = await namesIn(dir);
      const result = await dbBackup(['create'], { DATABASE_URL: database.url, BACKUP_DIR: dir, LOG_FILE: '' });
      expect(result.code).toBe(0);
      const created = (await namesIn(dir)).filter((name) => !before.includes(name));
      expect(created).toHaveLength(1);
      return { file: created[0]!, lines: result.stdout.split('\n').filter(Boolean) };
    };
    try {
      const dumped = await create();
      const unchanged = await create();
      await appendFile(join(dir, unchanged.file), '-- edited by hand\n');

      const afterDamage = await create();

      expect(unchanged.lines).toEqual([
        expect.stringMatching(
          new RegExp(`^created ${escaped(unchanged.file)} \\(\\d+ bytes, \\d+ ms, unchanged since ${escaped(dumped.file)}, sha256 `),
        ),
      ]);
      expect(afterDamage.lines).toEqual([
        expect.stringMatching(new RegExp(`^created ${escaped(afterDamage.file)} \\(\\d+ bytes, \\d+ ms, sha256 [0-9a-f]{64}\\)$`)),
        `warning: the newest backup ${unchanged.file} no longer matches its checksum, so this one was dumped anew; the backups made from it, or it from them, are the same file: prove them with db-backup verify --all on the API's machine`,
      ]);
    } finally {
      await removeFolder(dir);
      await database.drop();
      await server.stop();
    }
  });
});

/** A file name as a literal in a RegExp. */
function escaped(file: string): string {
  return file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { ROOT } from '../test/support/apiProcess.js';
import { rowsOf } from '../test/support/compareDatabases.js';
import { ageCliInstalled, describeWithAgeCli } from '../test/support/ageCli.js';
import { ADMIN_URL, createTestDatabase, databaseUrl, describeWithPostgres, runSql } from '../test/support/postgres.js';
import { seedNotes } from '../test/support/seedNotes.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { encryptAge } from '../functions/backup/encryption/encryptAge.js';
import { SEALED_CHUNK_BYTES } from '../functions/backup/encryption/agePayload.js';
import { formatBackupFileName } from '../functions/backup/retention/backupFileName.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';
import { migrate } from '../functions/db/migrate.js';
import { EmbeddedDatabase } from '../functions/db/embedded/EmbeddedDatabase.js';
import { PgliteDumpSource } from '../functions/db/embedded/PgliteDumpSource.js';
import { BackupCreator } from '../functions/backup/dump/BackupCreator.js';
import { BackupFolder } from '../functions/backup/folder/BackupFolder.js';

const IDENTITY = join(ROOT, 'test/fixtures/age/test-identity.txt');
const RECIPIENTS = join(ROOT, 'test/fixtures/age/test-recipients.txt');
const RECIPIENT = 'age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp';
const SECRET = /AGE-SECRET-KEY-1[0-9A-Z]+/;
const IDENTITY_KEY = readFileSync(IDENTITY, 'utf8').match(SECRET)![0];
const run = promisify(execFile);

/** The built ops command line, as `npm run -s db-backup -- …` runs it, with no database or identity from this shell. */
async function dbBackup(args: string[], env: NodeJS.ProcessEnv) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL' && !name.startsWith('PG') && !name.startsWith('BACKUP_')),
  );
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'dist/cli/db-backup.js'), ...args], { env: { ...clean, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const sha256Of = async (path: string) => {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
};

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** Row counts and an md5 of the rows of every table: what a restore must give back. */
async function tableDigests(url: string): Promise<Record<string, { rows: number; md5: string }>> {
  return Object.fromEntries(
    Object.entries(await rowsOf(url)).map(([table, rows]) => [
      table,
      { rows: rows.length, md5: createHash('md5').update(rows.join('\n')).digest('hex') },
    ]),
  );
}

// The real age CLI encrypts one of the backups: without it (and never under CI) the suite is skipped, saying so.
const describeSuite = ageCliInstalled() || process.env.CI === 'true' ? describeWithPostgres : describeWithAgeCli;

describeSuite(
  'encrypted backups (.sql.age, .sql.gz.age): restore and verify with --identity (real psql, real age CLI, the built db-backup)',
  () => {
    let source: Awaited<ReturnType<typeof createTestDatabase>>;
    let dir: string;
    let elsewhere: string;
    let otherIdentity: string;
    let plain: string;
    let gzipped: string;
    /** The plain backup encrypted by Debian's age CLI (the interop case), and the gzip one by encryptAge. */
    let byAgeCli: string;
    let byUs: string;
    const created: string[] = [];
    const server = () => ({ DATABASE_URL: source.url, BACKUP_DIR: dir });
    const into = (what: string) => {
      const name = `er_into_${what}_${Math.random().toString(16).slice(2, 8)}`;
      created.push(name);
      return { name, url: databaseUrl(name) };
    };

    /** Records an encrypted copy of `from` in the folder as the write side does: its sha256 as stored, the plaintext's contents. */
    async function record(name: string, from: string): Promise<void> {
      await writeFile(join(dir, 'SHA256SUMS'), `${await sha256Of(join(dir, name))}  ${name}\n`, { flag: 'a' });
      const contentsPath = join(dir, '.db-backup-contents.json');
      const contents = JSON.parse(await readFile(contentsPath, 'utf8'));
      const { verified: _verified, ...written } = contents[from];
      contents[name] = written;
      await writeFile(contentsPath, JSON.stringify(contents));
    }

    beforeAll(async () => {
      source = await createTestDatabase('er_src');
      await migrate(databaseConnection({ DATABASE_URL: source.url }));
      await seedNotes(source.url);
      // Enough rows for several 64 KiB chunks, and a large object.
      await runSql(
        `insert into notes (title, body) select 'note ' || i, repeat(md5(i::text), 4) from generate_series(1, 3000) i;
       select lo_from_bytea(0, 'a large object')`,
        source.url,
      );
      dir = await tempFolder('er-encrypted-');
      elsewhere = await tempFolder('er-elsewhere-');
      expect((await dbBackup(['create'], server())).code).toBe(0);
      expect((await dbBackup(['create'], { ...server(), BACKUP_COMPRESS: 'gzip' })).code).toBe(0);
      const { readdir } = await import('node:fs/promises');
      const names = (await readdir(dir)).sort();
      plain = names.find((name) => name.endsWith('.sql'))!;
      gzipped = names.find((name) => name.endsWith('.sql.gz'))!;
      // Newer than both: restore --latest takes the gzip one.
      const now = Date.now();
      byAgeCli = formatBackupFileName(source.name, new Date(now), '.sql.age');
      byUs = formatBackupFileName(source.name, new Date(now + 1), '.sql.gz.age');
      await run('age', ['-R', RECIPIENTS, '-o', join(dir, byAgeCli), join(dir, plain)]);
      await pipeline(createReadStream(join(dir, gzipped)), await encryptAge([RECIPIENT]), createWriteStream(join(dir, byUs)));
      await record(byAgeCli, plain);
      await record(byUs, gzipped);
      otherIdentity = join(elsewhere, 'other-identity.txt');
      await run('age-keygen', ['-o', otherIdentity]);
    }, 120_000);
    afterAll(async () => {
      for (const name of created) await runSql(`drop database if exists "${name}" with (force)`);
      await source?.drop();
      await removeFolder(dir);
      await removeFolder(elsewhere);
    });

    it('the age CLI decrypts what encryptAge wrote to the same bytes (the README recipe: age -d -i key.txt)', async () => {
      const { stdout } = await run('sh', ['-c', `age -d -i "${IDENTITY}" "${join(dir, byUs)}" | sha256sum`]);

      expect(stdout.split(' ')[0]).toBe(await sha256Of(join(dir, gzipped)));
    });

    it.each([
      ['encrypted by the age CLI, plain', () => byAgeCli, (name: string) => ['--identity', name] as string[], {}],
      ['encrypted by encryptAge, gzip', () => byUs, (name: string) => ['--identity', name] as string[], {}],
      [
        'encrypted by encryptAge, gzip, with BACKUP_IDENTITY_FILE instead of --identity',
        () => byUs,
        () => [] as string[],
        { BACKUP_IDENTITY_FILE: IDENTITY },
      ],
    ])('restores a backup %s onto a fresh database: every table with the same rows (count and md5)', async (_what, backup, flags, env) => {
      const target = into('ok');

      const result = await dbBackup(['restore', backup(), '--into', target.url, ...flags(IDENTITY)], { BACKUP_DIR: dir, ...env });

      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(
        new RegExp(`^restored ${join(dir, backup()).replace(/\./g, '\\.')} into ${target.name}: \\d+ tables, `),
      );
      expect(await tableDigests(target.url)).toEqual(await tableDigests(source.url));
    });

    it('restore --latest takes the newest backup, encrypted or not, and opens it with --identity', async () => {
      const target = into('latest');

      const result = await dbBackup(['restore', '--latest', '--into', target.url, '--identity', IDENTITY], server());

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`restored ${join(dir, byUs)} into ${target.name}`);
      expect(await tableDigests(target.url)).toEqual(await tableDigests(source.url));
    });

    it.each([
      ['no identity', () => [] as string[], /^db-backup: .*\.sql\.age is encrypted: give --identity <file> or BACKUP_IDENTITY_FILE/],
      [
        'a wrong identity (a fresh age-keygen key)',
        () => ['--identity', otherIdentity],
        /^db-backup: .*\.sql\.age: no identity in .*other-identity\.txt opens it: it was encrypted to other recipients.*: not restored, nothing changed\n$/,
      ],
      [
        'a missing identity file',
        () => ['--identity', join(elsewhere, 'missing.txt')],
        /^db-backup: .*missing\.txt: no such file; give the age identity file \(age-keygen -o <file> writes one\)\n$/,
      ],
      [
        'the private key itself in place of the file',
        () => ['--identity', IDENTITY_KEY],
        /^db-backup: --identity takes the path of an identity file, not the key itself: save the key in a file/,
      ],
      [
        'a public key given as the identity',
        () => ['--identity', RECIPIENTS],
        /^db-backup: .*test-recipients\.txt is not an age identity file: line 2 is a public key/,
      ],
      [
        'an identity file of garbage',
        () => ['--identity', join(elsewhere, 'garbage.txt')],
        /^db-backup: .*garbage\.txt is not an age identity file: line 1 is not an AGE-SECRET-KEY-1… identity\n$/,
      ],
      [
        'a damaged key (one character changed)',
        () => ['--identity', join(elsewhere, 'damaged-key.txt')],
        /^db-backup: .*damaged-key\.txt is not an age identity file: line 4 is not a valid age identity \(its checksum or length is wrong\)\n$/,
      ],
    ])('refuses with %s in one line (exit 1), never showing a key: the target database is not created', async (_what, flags, message) => {
      await writeFile(join(elsewhere, 'garbage.txt'), 'hello, this is not a key\n');
      const key = (await readFile(IDENTITY, 'utf8')).match(SECRET)![0];
      await writeFile(join(elsewhere, 'damaged-key.txt'), (await readFile(IDENTITY, 'utf8')).replace(key, `${key.slice(0, -3)}QQQ`));
      const target = into('refused');

      const result = await dbBackup(['restore', byAgeCli, '--into', target.url, ...flags()], { BACKUP_DIR: dir });

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(result.stderr).not.toMatch(SECRET);
      expect(result.stderr).not.toContain(RECIPIENT);
      expect(await databaseExists(target.name)).toBe(false);
    });

    it('restore --clean with a wrong identity leaves the existing target exactly as it was', async () => {
      const target = into('clean');
      await runSql(`create database "${target.name}"`);
      await runSql('create table kept (id int); insert into kept values (1), (2)', target.url);
      const before = await tableDigests(target.url);

      const result = await dbBackup(['restore', byUs, '--into', target.url, '--clean', '--identity', otherIdentity], { BACKUP_DIR: dir });

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/: no identity in .*other-identity\.txt opens it: .*: not restored, nothing changed\n$/);
      expect(await tableDigests(target.url)).toEqual(before);
    });

    /** Where the age payload starts (after the header line `--- <mac>` and the 16-byte nonce). */
    const payloadAt = (file: Buffer) => file.indexOf('\n', file.indexOf('\n--- ') + 1) + 1 + 16;
    it.each([
      [
        'cut short (its last 1,000 bytes gone)',
        (file: Buffer) => file.subarray(0, file.length - 1000),
        /cannot be opened: chunk \d+ \(the last\) fails authentication/,
      ],
      [
        'cut at a chunk boundary',
        (file: Buffer) => file.subarray(0, payloadAt(file) + SEALED_CHUNK_BYTES),
        /cannot be opened: it is cut short after chunk 1 \(the chunks after it are missing\)/,
      ],
      ['one byte flipped in its header', (file: Buffer) => flip(file, 40), /no identity in .* opens it|its header/],
      [
        'one byte flipped in its header MAC',
        (file: Buffer) => flip(file, file.indexOf('\n--- ') + 8),
        /the encrypted backup cannot be opened: its header (is damaged|cannot be read)/,
      ],
      [
        'one byte flipped in a chunk',
        (file: Buffer) => flip(file, payloadAt(file) + SEALED_CHUNK_BYTES + 5),
        /cannot be opened: chunk 2 fails authentication/,
      ],
      [
        'a chunk dropped',
        (file: Buffer) => Buffer.concat([file.subarray(0, payloadAt(file)), file.subarray(payloadAt(file) + SEALED_CHUNK_BYTES)]),
        /cannot be opened: chunk 1 fails authentication/,
      ],
    ])('refuses a backup %s with --identity in one line (exit 1): nothing restored', async (what, damage, message) => {
      const file = await readFile(join(dir, byAgeCli));
      // Without a recorded checksum (a copy elsewhere): the decryption itself must find it.
      const copy = join(elsewhere, byAgeCli);
      await writeFile(copy, damage(file));
      const target = into('damaged');

      const result = await dbBackup(['restore', copy, '--into', target.url, '--identity', IDENTITY], {});

      expect({ what, code: result.code, stdout: result.stdout }).toEqual({ what, code: 1, stdout: '' });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/: not restored, nothing changed\n$/);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(await databaseExists(target.name)).toBe(false);
    });

    it('refuses a damaged backup whose checksum was recorded before decrypting it: the sha256 is not the one written', async () => {
      const copyDir = join(elsewhere, 'with-sums');
      await mkdir(copyDir, { recursive: true });
      await copyFile(join(dir, 'SHA256SUMS'), join(copyDir, 'SHA256SUMS'));
      await writeFile(join(copyDir, byAgeCli), flip(await readFile(join(dir, byAgeCli)), 70_000));
      const target = into('mismatch');

      const result = await dbBackup(['restore', join(copyDir, byAgeCli), '--into', target.url, '--identity', IDENTITY], {});

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/is not the file that was written \(sha256 recorded [0-9a-f]{64}, now [0-9a-f]{64}\): not restored/);
      expect(await databaseExists(target.name)).toBe(false);
    });

    it('verify without an identity: the sha256 as recorded, the contents UNVERIFIED and why; exit 0, nothing recorded', async () => {
      const contentsBefore = await readFile(join(dir, '.db-backup-contents.json'), 'utf8');

      const text = await dbBackup(['verify', byAgeCli], server());
      const json = await dbBackup(['verify', byUs, '--json'], server());

      expect(text).toEqual({
        code: 0,
        stdout: `UNVERIFIED  ${join(dir, byAgeCli)}: sha256 as recorded; its contents not checked (encrypted; give --identity to check its contents)\n`,
        stderr: '',
      });
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual([
        expect.objectContaining({ file: byUs, ok: true, unverified: true, sealed: true, problems: [] }),
      ]);
      expect(await readFile(join(dir, '.db-backup-contents.json'), 'utf8')).toBe(contentsBefore);
    });

    it.each([
      ['the age CLI’s plain backup, on a scratch database of the configured server', () => byAgeCli, true, 'everything'],
      ['our gzip backup, on a scratch database of the configured server', () => byUs, true, 'everything'],
      ['the age CLI’s plain backup, on an embedded scratch database', () => byAgeCli, false, 'rows'],
    ])('verify --identity proves %s and records it', async (_what, backup, onServer, proved) => {
      const result = await dbBackup(['verify', backup(), '--identity', IDENTITY, '--json'], onServer ? server() : { BACKUP_DIR: dir });

      expect(result.code).toBe(0);
      const rows = (await tableDigests(source.url)) as Record<string, { rows: number }>;
      const total = Object.values(rows).reduce((sum, table) => sum + table.rows, 0);
      expect(JSON.parse(result.stdout)).toEqual([
        expect.objectContaining({
          file: backup(),
          ok: true,
          problems: [],
          proved,
          restored: expect.objectContaining({ rows: total, largeObjects: 1 }),
        }),
      ]);
      const contents = JSON.parse(await readFile(join(dir, '.db-backup-contents.json'), 'utf8'));
      expect(contents[backup()].verified).toMatchObject({ ok: true, problems: [] });
    });

    it('verify --all mixes plain and encrypted backups: without an identity the encrypted ones are UNVERIFIED (exit 0); with it all are ok', async () => {
      const without = await dbBackup(['verify', '--all'], server());
      const withIdentity = await dbBackup(['verify', '--all', '--identity', IDENTITY], server());

      const verdicts = (stdout: string) =>
        Object.fromEntries(
          stdout
            .trim()
            .split('\n')
            .map((line) => [
              line
                .match(/ (\/\S+):/)![1]!
                .split('/')
                .pop(),
              line.split(' ')[0],
            ]),
        );
      expect(without.code).toBe(0);
      expect(verdicts(without.stdout)).toEqual({ [plain]: 'ok', [gzipped]: 'ok', [byAgeCli]: 'UNVERIFIED', [byUs]: 'UNVERIFIED' });
      expect(withIdentity.code).toBe(0);
      expect(verdicts(withIdentity.stdout)).toEqual({ [plain]: 'ok', [gzipped]: 'ok', [byAgeCli]: 'ok', [byUs]: 'ok' });
    });

    it('verify without an identity reports a damaged encrypted backup by its checksum (exit 1)', async () => {
      const copyDir = join(elsewhere, 'verify-damaged');
      await mkdir(copyDir, { recursive: true });
      await copyFile(join(dir, 'SHA256SUMS'), join(copyDir, 'SHA256SUMS'));
      await writeFile(join(copyDir, byUs), flip(await readFile(join(dir, byUs)), 500));

      const result = await dbBackup(['verify', join(copyDir, byUs)], { BACKUP_DIR: dir });

      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(
          `^FAILED  ${join(copyDir, byUs).replace(/\./g, '\\.')}: its sha256 is not the one recorded when it was written \\(changed or damaged since\\): recorded [0-9a-f]{64}, now [0-9a-f]{64}\\n$`,
        ),
      );
    });

    it('verify with a wrong identity: UNVERIFIED and why (exit 1), nothing recorded against the backup', async () => {
      const contentsBefore = await readFile(join(dir, '.db-backup-contents.json'), 'utf8');

      const result = await dbBackup(['verify', byAgeCli, '--identity', otherIdentity], server());

      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /^UNVERIFIED {2}\S+\.sql\.age: its sha256 is as recorded, its contents could not be checked: no identity in \S+other-identity\.txt opens it/,
      );
      expect(result.stderr).toBe('db-backup: of 1 backup, 1 could not be verified\n');
      expect(await readFile(join(dir, '.db-backup-contents.json'), 'utf8')).toBe(contentsBefore);
    });

    it('restores an encrypted backup the embedded database (PGlite, pg_dump 18) made onto the server, and verifies it on an embedded scratch database', async () => {
      const folder = await tempFolder('er-embedded-');
      try {
        const embedded = await EmbeddedDatabase.start(join(folder, 'pglite'));
        let made: string;
        try {
          await migrate(databaseConnection({ DATABASE_URL: embedded.url }));
          await seedNotes(embedded.url);
          made = (await new BackupCreator({ folder: new BackupFolder(folder), source: new PgliteDumpSource(embedded.db) }).create()).path;
        } finally {
          await embedded.close();
        }
        const encrypted = `${made}.age`;
        await pipeline(createReadStream(made), await encryptAge([RECIPIENT]), createWriteStream(encrypted));
        await writeFile(join(folder, 'SHA256SUMS'), `${await sha256Of(encrypted)}  ${encrypted.split('/').pop()}\n`, { flag: 'a' });
        const plainCopy = into('embedded_plain');
        const fromEncrypted = into('embedded_encrypted');

        expect((await dbBackup(['restore', made, '--into', plainCopy.url], {})).code).toBe(0);
        const restored = await dbBackup(['restore', encrypted, '--into', fromEncrypted.url, '--identity', IDENTITY], {});
        const verified = await dbBackup(['verify', encrypted, '--identity', IDENTITY, '--json'], { BACKUP_DIR: folder });

        expect(restored).toMatchObject({ code: 0, stderr: '' });
        expect(await tableDigests(fromEncrypted.url)).toEqual(await tableDigests(plainCopy.url));
        expect((await tableDigests(fromEncrypted.url))['public.notes']!.rows).toBeGreaterThan(0);
        expect(verified.code).toBe(0);
        expect(JSON.parse(verified.stdout)).toEqual([expect.objectContaining({ ok: true, proved: 'everything' })]);
      } finally {
        await removeFolder(folder);
      }
    });
  },
);

function flip(file: Buffer, at: number): Buffer {
  const damaged = Buffer.from(file);
  damaged[at]! ^= 0x01;
  return damaged;
}

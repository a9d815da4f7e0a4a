import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Duplex, PassThrough, Transform, pipeline } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { ageCliInstalled, describeWithAgeCli } from '../../../test/support/ageCli.js';
import { rowsOf } from '../../../test/support/compareDatabases.js';
import { type DatabaseUnderTest, describeEachDatabasePath } from '../../../test/support/databasePaths.js';
import { createTestDatabase, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { seedNotes } from '../../../test/support/seedNotes.js';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { waitUntil } from '../../../test/support/waitUntil.js';
import { databaseConnection } from '../../db/databaseConnection.js';
import { migrate } from '../../db/migrate.js';
import { encryptAge } from '../encryption/encryptAge.js';
import { BackupCancelledError, DumpFailedError } from '../errors.js';
import { parseRecipients } from '../encryption/parseRecipients.js';
import { BackupFolder } from '../folder/BackupFolder.js';
import { DumpScanner } from '../sql/DumpScanner.js';
import { type Backup, BackupCreator } from './BackupCreator.js';
import { PgDumpSource } from './PgDumpSource.js';

const TEST_RECIPIENT = 'age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp';
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/age');
/** TEST-ONLY key pair: the identity decrypts what the recipient's public key encrypted. */
const IDENTITY = join(FIXTURES, 'test-identity.txt');

/**
 * The plaintext SQL of an encrypted backup, decrypted by Debian's `age` CLI (and gunzipped for
 * `.sql.gz.age`). Without the CLI the suite is skipped, saying so (never under CI).
 */
function decryptWithAgeCli(path: string): Buffer {
  const decrypted = execFileSync('age', ['-d', '-i', IDENTITY, path], { maxBuffer: 256 * 1024 * 1024 });
  return path.endsWith('.sql.gz.age') ? gunzipSync(decrypted) : decrypted;
}

/** A plain backup's SQL (gunzipped for `.sql.gz`). */
async function plainSql(path: string): Promise<Buffer> {
  const stored = await readFile(path);
  return path.endsWith('.gz') ? gunzipSync(stored) : stored;
}

function factsOf(sql: Buffer) {
  const scanner = new DumpScanner();
  scanner.push(sql);
  return scanner.end();
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describeEachDatabasePath(
  'encrypted backups (age), decrypted by the age CLI',
  (path) => {
    let db: DatabaseUnderTest;
    let dir: string;
    let scratch: string;
    let recipients: string[];

    beforeAll(async () => {
      db = await path.create();
      recipients = parseRecipients(await readFile(join(FIXTURES, 'test-recipients.txt'), 'utf8'));
    }, 120_000);
    afterAll(() => db?.close());
    beforeEach(async () => {
      dir = await tempFolder('ew-encrypted-');
      scratch = await tempFolder('ew-decrypted-');
    });
    afterEach(async () => {
      await removeFolder(dir);
      await removeFolder(scratch);
    });

    const creator = (options: { gzipLevel?: number; encryptTo?: string[] } = {}) =>
      new BackupCreator({ folder: new BackupFolder(dir), source: db.source, ...options });

    it.each([
      ['plain SQL', '.sql.age', undefined],
      ['gzip', '.sql.gz.age', 6],
    ])(
      'writes a %s backup as %s: ciphertext on disk, the sha256 of the stored file, the rows of a plain backup',
      async (_kind, extension, gzipLevel) => {
        const plain = await creator({ gzipLevel }).create();

        const encrypted = await creator({ gzipLevel, encryptTo: recipients }).create();

        expect(encrypted.file.endsWith(extension)).toBe(true);
        expect(encrypted).toMatchObject({ encrypted: true, recipients: 1 });
        expect(plain.encrypted).toBeUndefined();
        const stored = await readFile(encrypted.path);
        expect(stored.subarray(0, 22).toString('latin1')).toBe('age-encryption.org/v1\n');
        expect(encrypted.sha256).toBe(sha256Of(stored));
        expect(encrypted.bytes).toBe(stored.length);
        // SHA256SUMS holds the stored file's sum: `sha256sum -c` works without a key.
        const sums = await readFile(join(dir, 'SHA256SUMS'), 'utf8');
        expect(sums).toContain(`${encrypted.sha256}  ${encrypted.file}\n`);
        const sql = decryptWithAgeCli(encrypted.path);
        const facts = factsOf(sql);
        expect(facts.complete).toBe(true);
        expect(facts.rows).toEqual(plain.contents.rows);
        expect(encrypted.contents.rows).toEqual(plain.contents.rows);
        expect(facts.rows['public.notes']).toBe(3);
        // Scanned from the same plaintext that was encrypted: a plain backup's sections, digest for digest.
        expect(facts.sections.map((s) => [s.title, s.digest])).toEqual(
          factsOf(await plainSql(plain.path)).sections.map((s) => [s.title, s.digest]),
        );
        // Beside it, only what the ciphertext already shows: its sha256, not the table names, rows or digests.
        const entry = await new BackupFolder(dir).manifest.entry(encrypted.file);
        expect(entry.sha256).toBe(encrypted.sha256);
        expect(entry.contents).toBeUndefined();
        const recorded = await readFile(join(dir, '.db-backup-contents.json'), 'utf8');
        // How it was made, and at most a digest of the database's state: no sequence, table or row count.
        const { origin, ...run } = JSON.parse(recorded)[encrypted.file];
        expect(run).toEqual({ durationMs: expect.any(Number), startedAtMs: expect.any(Number), hashed: expect.any(Object) });
        expect(Object.keys(origin).filter((key) => key !== 'fingerprintSha256')).toEqual(['shape', 'dumpedAtMs']);
        expect(origin.shape).toMatch(/; age to [0-9a-f]{16}; mode 0600$/);
        expect((await new BackupFolder(dir).manifest.entry(plain.file)).contents?.rows).toEqual(plain.contents.rows);
      },
    );

    it('an encrypted backup, decrypted by the age CLI, restores to the same rows per table', async () => {
      const encrypted = await creator({ gzipLevel: 6, encryptTo: recipients }).create();
      const sqlPath = join(scratch, 'decrypted.sql');
      await writeFile(sqlPath, decryptWithAgeCli(encrypted.path));

      const restored = await db.restore(sqlPath);

      try {
        expect(await rowsOf(restored.url)).toEqual(await rowsOf(db.url));
      } finally {
        await restored.close();
      }
    });

    it('leaves no plaintext in the folder: no file in it carries the dump text', async () => {
      const encrypted = await creator({ encryptTo: recipients }).create();

      const plaintext = decryptWithAgeCli(encrypted.path);
      for (const marker of PLAINTEXT_MARKERS) expect(plaintext.includes(marker)).toBe(true);
      expect(await plaintextIn(dir)).toEqual([]);
      expect(await namesIn(dir)).toEqual([encrypted.file]);
    });

    it.each([
      [
        'its factory throws',
        () => throwing(),
        /^cannot encrypt the backup \(BACKUP_ENCRYPT_RECIPIENTS\): no key material; no backup was written$/,
      ],
      [
        'its stream fails after the header and some plaintext',
        async (keys: readonly string[]) => chain(failingAfter(2000), await encryptAge(keys)),
        /^encrypting the backup failed: the cipher broke; no backup was written$/,
      ],
      [
        'it passes the plaintext through',
        () => new PassThrough(),
        /^encrypting the backup failed: the encryptor did not write an age file/,
      ],
      [
        'it writes nothing at all',
        () => new Transform({ transform: (_chunk, _encoding, done) => done() }),
        /^encrypting the backup failed: the encryptor wrote no age header/,
      ],
    ])(
      'fails closed when the encryptor is broken (%s): the backup fails, nothing is left in the folder',
      async (_case, encryptor, message) => {
        const broken = new BackupCreator({ folder: new BackupFolder(dir), source: db.source, encryptTo: recipients, encryptor });

        const error = await broken.create().catch((e: unknown) => e);

        expect(error).toBeInstanceOf(DumpFailedError);
        expect((error as Error).message).toMatch(message);
        expect(await namesIn(dir)).toEqual([]);
        expect(await plaintextIn(dir)).toEqual([]);
      },
    );
  },
  () => (ageCliInstalled() ? undefined : 'the age CLI is not installed (apt-get install age; CI never skips)'),
);

(ageCliInstalled() || process.env.CI === 'true' ? describeWithPostgres : describeWithAgeCli)(
  'no plaintext on disk while pg_dump writes an encrypted backup (real pg_dump)',
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let dir: string;
    beforeAll(async () => {
      database = await createTestDatabase('ew_enc_slow');
      await migrate(databaseConnection({ DATABASE_URL: database.url }));
      await seedNotes(database.url);
      // About 3 MB of notes, each with a text no ciphertext contains by chance.
      await runSql(
        `insert into notes (title, body) select 'note ' || g, repeat('${DISTINCT_NOTE} ', 40) from generate_series(1, 3000) g`,
        database.url,
      );
    }, 60_000);
    afterAll(() => database?.drop());
    beforeEach(async () => {
      dir = await tempFolder('ew-encrypted-slow-');
    });
    afterEach(() => removeFolder(dir));

    it('scans the partial file while pg_dump waits for a lock and while it is held back mid-dump, and the backup after', async () => {
      const locker = new pg.Client({ connectionString: database.url });
      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table notes in access exclusive mode');
      const gate = holdAfter(256 * 1024);
      const creator = new BackupCreator({
        folder: new BackupFolder(dir),
        source: new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: database.url }), lockWaitTimeoutMs: 60_000 }),
        encryptTo: [TEST_RECIPIENT],
        encryptor: async (keys) => chain(gate.stream, await encryptAge(keys)),
      });
      let backup: Promise<Backup> | undefined;
      try {
        backup = creator.create();
        const partial = async () => (await readdir(dir)).find((name) => name.endsWith('.partial'));
        // pg_dump waits for the lock on notes: the partial file exists and holds the age header at most.
        await waitUntil(async () => (await partial()) !== undefined, 'the partial file exists');
        expect(await plaintextIn(dir)).toEqual([]);
        await locker.query('rollback');
        // pg_dump is now held back by the encryption stream (backpressure) with part of the dump written.
        await waitUntil(gate.holding, 'the gate holds the dump back');
        await waitUntil(async () => (await stat(join(dir, (await partial())!))).size >= 128 * 1024, 'the partial file grew');
        expect(gate.passed().includes(DISTINCT_NOTE)).toBe(true);
        expect(gate.passed().includes('PostgreSQL database dump')).toBe(true);
        expect(await plaintextIn(dir)).toEqual([]);
      } finally {
        gate.release();
        await locker.end();
      }
      const written = await backup!;
      expect(await plaintextIn(dir)).toEqual([]);
      expect(decryptWithAgeCli(written.path).includes(DISTINCT_NOTE)).toBe(true);
      expect(written.contents.rows['public.notes']).toBe(3003);
    });

    it('a cancelled encrypted backup (the API stopping) stops pg_dump and leaves nothing', async () => {
      const locker = new pg.Client({ connectionString: database.url });
      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table notes in access exclusive mode');
      const stopping = new AbortController();
      const creator = new BackupCreator({
        folder: new BackupFolder(dir),
        source: new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: database.url }), lockWaitTimeoutMs: 60_000 }),
        encryptTo: [TEST_RECIPIENT],
      });
      try {
        const backup = creator.create(undefined, { signal: stopping.signal }).catch((e: unknown) => e);
        await waitUntil(async () => (await readdir(dir)).some((name) => name.endsWith('.partial')), 'the partial file exists');

        stopping.abort();
        const error = await backup;

        expect(error).toBeInstanceOf(BackupCancelledError);
        expect(await namesIn(dir)).toEqual([]);
      } finally {
        await locker.query('rollback');
        await locker.end();
      }
    });
  },
);

/** Texts every dump of the seeded notes database holds (pg_dump's header, a table, a note's non-ASCII title). */
const PLAINTEXT_MARKERS = ['PostgreSQL database dump', 'CREATE TABLE', 'Crème brûlée'].map((text) => Buffer.from(text));
const DISTINCT_NOTE = 'ew-distinct-note-text-7f3a';

/** The files of `dir` (every one: backups, partials, bookkeeping) that carry any dump text. */
async function plaintextIn(dir: string): Promise<string[]> {
  const markers = [...PLAINTEXT_MARKERS, Buffer.from(DISTINCT_NOTE)];
  const found: string[] = [];
  for (const name of await readdir(dir)) {
    const bytes = await readFile(join(dir, name)).catch(() => Buffer.alloc(0));
    if (markers.some((marker) => bytes.includes(marker))) found.push(name);
  }
  return found;
}

/** One stream of two (what is written to it goes through `first`, then `second`), failing when either fails. */
function chain(first: Transform, second: Transform): Transform {
  pipeline(first, second, () => undefined);
  return Duplex.from({ writable: first, readable: second }) as Transform;
}

const throwing = (): Transform => {
  throw new Error('no key material');
};

/** A stream that passes `bytes` on and then fails, as a cipher that breaks mid-way. */
function failingAfter(bytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > bytes ? new Error('the cipher broke') : null, chunk);
    },
  });
}

/** A stream that passes `bytes` of plaintext on and then holds the rest until `release()`: a slow disk, by backpressure. */
function holdAfter(bytes: number) {
  const seen: Buffer[] = [];
  let seenBytes = 0;
  let held: (() => void)[] | undefined = [];
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (seenBytes < bytes) seen.push(chunk);
      seenBytes += chunk.length;
      if (seenBytes <= bytes || !held) done(null, chunk);
      else held.push(() => done(null, chunk));
    },
  });
  return {
    stream,
    holding: () => (held?.length ?? 0) > 0,
    passed: () => Buffer.concat(seen),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const resume of waiting) resume();
    },
  };
}

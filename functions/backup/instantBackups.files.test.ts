import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import type pg from 'pg';
import { type DatabaseUnderTest, describeEachDatabasePath } from '../../test/support/databasePaths.js';
import { connectedClient, instantService, movableClock, originOf } from '../../test/support/instantBackups.js';
import { namesIn, removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { DEFAULTS } from '../config/defaults.js';
import { databaseConnection } from '../db/databaseConnection.js';
import { parseRecipients } from './encryption/parseRecipients.js';
import { readIdentityFile } from './encryption/readIdentityFile.js';
import { BackupFolder } from './folder/BackupFolder.js';
import { SUMS_FILE } from './folder/BackupManifest.js';
import { BackupRotator } from './retention/BackupRotator.js';
import { retentionPolicy } from './retention/RetentionPolicy.js';
import { openDump } from './sql/openDump.js';
import { PgliteScratch } from './verify/PgliteScratch.js';
import { ServerScratch } from './verify/ServerScratch.js';
import { verifyBackup } from './verify/verifyBackup.js';

const DAY = 24 * 3_600_000;
/** TEST-ONLY key pair: the identity decrypts what the recipient's public key encrypted. */
const FIXTURES = join(import.meta.dirname, '../../test/fixtures/age');

/** The `sha256sum` lines of a folder's SHA256SUMS, by file. */
async function sumsIn(dir: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const line of (await readFile(join(dir, SUMS_FILE), 'utf8')).split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match) sums[match[2]!] = match[1]!;
  }
  return sums;
}

const sha256Of = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** The files of instant backups (issue #24) on both database paths: encrypted with age, and hard links through rotation. */
describeEachDatabasePath('instant backups as files', (path) => {
  let db: DatabaseUnderTest;
  let app: pg.Client;
  let dir: string;
  const scratch = () =>
    path.name.startsWith('embedded') ? new PgliteScratch() : new ServerScratch(databaseConnection({ DATABASE_URL: db.url }));

  beforeAll(async () => {
    db = await path.create({ prefix: 'it24_files', ownServer: true });
    app = await connectedClient(db.url);
    await app.query('create table it24_items (label text)');
  });
  afterAll(async () => {
    await app?.end();
    await db?.close();
  });
  beforeEach(async () => {
    dir = await tempFolder('it24-files-');
  });
  afterEach(() => removeFolder(dir));

  it('encrypted, unchanged: an instant .sql.age backup, the same sha256, the same SQL decrypted; its origin records only a digest of the state', async () => {
    const recipients = parseRecipients(await readFile(join(FIXTURES, 'test-recipients.txt'), 'utf8'));
    const identity = await readIdentityFile(join(FIXTURES, 'test-identity.txt'));
    const service = instantService(db, dir, { encryptTo: recipients });
    const dumped = (await service.rotateThenBackUp()).backup;

    const instant = (await service.rotateThenBackUp()).backup;

    expect(instant.file).toMatch(/\.sql\.age$/);
    expect(instant).toMatchObject({ unchangedSince: dumped.file, sha256: dumped.sha256, encrypted: true });
    const sql = await buffer(openDump(instant.path, { identity }));
    expect(sql).toEqual(await buffer(openDump(dumped.path, { identity })));
    expect(sql.toString('utf8')).toContain('-- PostgreSQL database dump complete');
    const origin = await originOf(dir, instant.file);
    expect(origin).toMatchObject({ fingerprintSha256: expect.stringMatching(/^[0-9a-f]{64}$/), madeFrom: dumped.file });
    expect(origin?.fingerprint).toBeUndefined();
    // The digest tells a change as the fingerprint would.
    await app.query(`insert into it24_items values ('after the encrypted backup')`);
    const next = (await service.rotateThenBackUp()).backup;
    expect(next.unchangedSince).toBeUndefined();
    expect((await buffer(openDump(next.path, { identity }))).toString('utf8')).toContain('after the encrypted backup');
  });

  it('hard links through rotation: instant backups share one file; archived and deleted names leave the others whole', async () => {
    const time = movableClock();
    // A full dump a year at most: every backup after the first is made from the one before.
    const service = instantService(db, dir, { clock: time.clock, fullEveryMs: 365 * DAY });
    const made = [];
    for (const day of [0, 10, 45, 60, 70]) {
      time.moveTo(day * DAY);
      made.push((await service.rotateThenBackUp()).backup);
    }
    const [first, second, third, fourth, newest] = made.map((backup) => backup.file) as [string, string, string, string, string];
    expect(made.slice(1).map((backup) => backup.unchangedSince)).toEqual([first, second, third, fourth]);
    const inodes = await Promise.all(made.map(async (backup) => (await stat(backup.path)).ino));
    expect(new Set(inodes).size).toBe(1);
    expect((await stat(made[0]!.path)).nlink).toBe(5);
    const folder = new BackupFolder(dir);
    const policy = retentionPolicy({ ...DEFAULTS, keepLast: 1, keepWeeks: 0, keepMonths: 0, keepYears: 0, archiveMonths: 1 });

    const rotation = await new BackupRotator({ folder, policy }).rotate(new Date(Date.now() + 71 * DAY));

    expect([...rotation.deletedFromMain].sort()).toEqual([first, second].sort());
    expect([...rotation.archived].sort()).toEqual([third, fourth].sort());
    expect(rotation.kept.map((kept) => kept.file)).toEqual([newest]);
    expect(await namesIn(dir)).toEqual(['archive', newest]);
    expect(await namesIn(folder.archiveDir)).toEqual([third, fourth].sort());
    const dumpedSha256 = made[0]!.sha256;
    expect(await sumsIn(dir)).toEqual({ [newest]: dumpedSha256 });
    expect(await sumsIn(folder.archiveDir)).toEqual({ [third]: dumpedSha256, [fourth]: dumpedSha256 });
    for (const remaining of [folder.path(newest), folder.archivedPath(third), folder.archivedPath(fourth)]) {
      expect(await sha256Of(remaining)).toBe(dumpedSha256);
      expect((await stat(remaining)).nlink).toBe(3);
    }
    expect((await folder.manifest.entry(third)).sha256).toBe(dumpedSha256);
    for (const remaining of [folder.path(newest), folder.archivedPath(fourth)]) {
      expect(await verifyBackup(remaining, folder.manifest, scratch())).toMatchObject({ ok: true, problems: [], proved: 'everything' });
    }
  });
});

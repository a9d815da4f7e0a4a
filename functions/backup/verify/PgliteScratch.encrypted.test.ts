import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { BackupCreator } from '../dump/BackupCreator.js';
import { BackupFolder } from '../folder/BackupFolder.js';
import { readIdentityFile } from '../encryption/readIdentityFile.js';
import { PgliteDumpSource } from '../../db/embedded/PgliteDumpSource.js';
import { scanDumpFile } from '../sql/scanDumpFile.js';
import { PgliteScratch } from './PgliteScratch.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/age');

let dir: string;
let db: PGlite;

beforeAll(async () => {
  dir = await tempFolder('notes-scratch-enc-');
  db = await PGlite.create();
  await db.exec("create table public.secrets (id int primary key, body text); insert into public.secrets values (1, 'the plaintext')");
});
afterAll(async () => {
  await db?.close();
  await removeFolder(dir);
});

/**
 * The scratch folders created in `root` or the system's temp folder while `run` runs (inotify: a
 * folder made and removed again is still seen).
 */
async function createdIn(root: string, run: () => Promise<unknown>): Promise<string[]> {
  const created: string[] = [];
  const hear = (name: string | null) => {
    if (name?.startsWith('notes-verify-pglite-') && !created.includes(name)) created.push(name);
  };
  const watchers = [watch(root, (_event, name) => hear(name)), watch(tmpdir(), (_event, name) => hear(name))];
  try {
    await run();
    // Let the last events arrive (on a loaded machine they came later than 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    for (const watcher of watchers) watcher.close();
  }
  return created;
}

describe('PgliteScratch: verifying an encrypted backup writes no plaintext to disk', () => {
  it.each([
    ['an encrypted backup: nothing is created in the temp folder (the scratch database is in memory)', true, 0],
    ['a plain backup: the scratch database is a copy of the template in the temp folder', false, 1],
  ])(
    '%s',
    async (_case, encrypted, folders) => {
      const recipients = (await readIdentityFile(join(FIXTURES, 'test-identity.txt'))).recipients;
      const backups = join(dir, encrypted ? 'encrypted' : 'plain');
      const temp = join(dir, encrypted ? 'temp-encrypted' : 'temp-plain');
      await mkdir(temp);
      await mkdir(backups);
      const creator = new BackupCreator({
        folder: new BackupFolder(backups),
        source: new PgliteDumpSource(db, 'notes-scratch'),
        ...(encrypted ? { encryptTo: recipients } : {}),
      });
      const backup = await creator.create();
      const identity = encrypted ? await readIdentityFile(join(FIXTURES, 'test-identity.txt')) : undefined;
      const scanned = await scanDumpFile(backup.path, identity);
      let facts: Awaited<ReturnType<PgliteScratch['restoreAndRedump']>> | undefined;

      const created = await createdIn(temp, async () => {
        facts = await new PgliteScratch({ tempRoot: temp }).restoreAndRedump(backup.path, scanned, identity);
      });

      expect(facts?.rows).toMatchObject({ 'public.secrets': 1 });
      expect(created).toHaveLength(folders);
    },
    60_000,
  );
});

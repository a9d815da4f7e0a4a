import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { namesIn, removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { copyTemplate, createTemplate, TEMPLATE_DIR } from './pgliteTemplate.js';

describe('the embedded database template (made by npm ci, copied by a first npm start)', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await tempFolder();
    // npm ci made it (prepare); made here when the install skipped scripts.
    await createTemplate();
  });
  afterEach(() => removeFolder(folder));

  it('gives a first run a database that opens, holding nothing of anyone', async () => {
    const dataDir = join(folder, 'pglite');

    expect(await copyTemplate(dataDir)).toBe(true);
    const db = await PGlite.create(dataDir);
    try {
      const { rows } = await db.query<{ n: number }>(
        "select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'",
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
    expect(await namesIn(folder)).toEqual(['pglite']);
  });

  it.each([
    ['a database already there', async (dataDir: string) => copyTemplate(dataDir)],
    ['a folder holding something else', async (dataDir: string) => mkdir(dataDir).then(() => writeFile(join(dataDir, 'mine.txt'), 'x'))],
  ])('never copies over %s', async (_what, prepare) => {
    const dataDir = join(folder, 'pglite');
    await prepare(dataDir);
    const before = await namesIn(dataDir);

    expect(await copyTemplate(dataDir)).toBe(false);
    expect(await namesIn(dataDir)).toEqual(before);
  });

  it('copies a template that is a symlink, never linking the database to it', async () => {
    const linked = join(folder, 'linked-template');
    await symlink(TEMPLATE_DIR, linked);
    const dataDir = join(folder, 'pglite');

    expect(await copyTemplate(dataDir, linked)).toBe(true);
    expect((await lstat(dataDir)).isSymbolicLink()).toBe(false);
    expect((await lstat(join(dataDir, 'PG_VERSION'))).isFile()).toBe(true);
  });

  it('copies nothing without a template (the first run then creates the database itself)', async () => {
    expect(await copyTemplate(join(folder, 'pglite'), join(folder, 'no-template'))).toBe(false);
    expect(existsSync(join(folder, 'pglite'))).toBe(false);
    expect(existsSync(join(TEMPLATE_DIR, 'PG_VERSION'))).toBe(true);
  });
});

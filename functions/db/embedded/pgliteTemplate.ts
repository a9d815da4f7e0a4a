import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../config/packageRoot.js';

/**
 * A freshly initialised PGlite data folder, made once when the project is installed (`npm ci` runs
 * `prepare`): creating one (initdb, in WASM) takes 8–12 s and 850 MB, copying it 0.1 s. It lives with
 * the installed packages, so that a new PGlite version (a new `npm ci`) makes a new one.
 */
export const TEMPLATE_DIR = join(packageRoot(), 'node_modules/.cache/notes-pglite-template');

const isDataFolder = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** Makes the template unless it is there; false when it already was. Built aside, then renamed into place. */
export async function createTemplate(dir = TEMPLATE_DIR): Promise<boolean> {
  if (isDataFolder(dir)) return false;
  const building = `${dir}.${process.pid}.tmp`;
  await fs.rm(building, { recursive: true, force: true });
  await fs.mkdir(dirname(dir), { recursive: true });
  try {
    const db = await PGlite.create(building);
    await db.close();
    await fs.rename(building, dir);
  } catch (error) {
    await fs.rm(building, { recursive: true, force: true });
    if (!isDataFolder(dir)) throw error;
  }
  return true;
}

/**
 * Puts a copy of the template at `dataDir` when no database is there yet; true when it did. Copied
 * aside, `complete` adds to the copy (the data folder's name), then it is renamed into place, so an
 * interrupted copy never looks like a database. Without a template (an install that skipped scripts)
 * PGlite creates the database itself, only slower.
 */
export async function copyTemplate(
  dataDir: string,
  templateDir = TEMPLATE_DIR,
  complete: (copy: string) => Promise<void> = async () => undefined,
): Promise<boolean> {
  if (isDataFolder(dataDir) || !isDataFolder(templateDir)) return false;
  // An empty folder left by someone is taken; anything else is never copied over.
  await fs.rmdir(dataDir).catch(() => undefined);
  if (existsSync(dataDir)) return false;
  const copying = `${dataDir}.${process.pid}.tmp`;
  await fs.rm(copying, { recursive: true, force: true });
  try {
    // dereference: a template that is a symlink (or holds one) is copied, never linked to.
    await fs.cp(templateDir, copying, { recursive: true, dereference: true });
    await complete(copying);
    await fs.rename(copying, dataDir);
  } catch (error) {
    await fs.rm(copying, { recursive: true, force: true });
    throw error;
  }
  return true;
}

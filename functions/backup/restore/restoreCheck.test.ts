import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, describeWithPostgres, runSql } from '../../../test/support/postgres.js';
import { removeFolder, tempFolder } from '../../../test/support/tempFolder.js';
import { restoreBackup } from './restoreBackup.js';
import { restoreCheck } from './restoreCheck.js';

const facts = (names: string[]) => ({
  rows: Object.fromEntries(names.map((name) => [name, 1])),
  rawNames: Object.fromEntries(names.map((name) => [name, name])),
  largeObjects: 0,
});
/** The dollar-quote tags the check opens and closes its body with. */
const tagsOf = (sql: Buffer) => [...sql.toString('latin1').matchAll(/^(?:DO |END\n)?(\$restore_check_[0-9a-f]*\$)/gm)].map((m) => m[1]);

describe('restoreCheck: its dollar quote cannot be closed by a table name', () => {
  it('opens and closes its body with a tag of 16 random hex digits, a new one per call', () => {
    const first = restoreCheck(facts(['public.t']));
    const second = restoreCheck(facts(['public.t']));

    expect(tagsOf(first)).toHaveLength(2);
    expect(tagsOf(first)[0]).toMatch(/^\$restore_check_[0-9a-f]{16}\$$/);
    expect(tagsOf(first)[1]).toBe(tagsOf(first)[0]);
    expect(tagsOf(second)[0]).not.toBe(tagsOf(first)[0]);
  });

  it('draws again while a table name holds the tag', () => {
    const draws = ['0000', '0000', '1111'];
    const sql = restoreCheck(facts(['public."x$restore_check_0000$y"']), () => draws.shift()!);

    expect(sql.toString('latin1')).toContain('DO $restore_check_1111$\n');
    expect(sql.toString('latin1')).toMatch(/END\n\$restore_check_1111\$;\n$/);
  });
});

describeWithPostgres('restoreCheck through a real restore (pg_dump, psql)', () => {
  const suffix = randomBytes(4).toString('hex');
  const restored = `h_scan_restored_${suffix}`;
  let source: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    source = await createTestDatabase('h_scan_dollar');
    dir = await tempFolder('h-scan-');
    file = join(dir, 'backup.sql');
    await runSql(
      `create table public."x$restore_check$y" (id int); insert into public."x$restore_check$y" values (1), (2);
       create table public."$restore_check$" (id int); insert into public."$restore_check$" values (3);
       create table public."multi\nline" (id int); insert into public."multi\nline" values (4), (5), (6);`,
      source.url,
    );
    execFileSync('pg_dump', ['-f', file, source.url], { stdio: 'pipe' });
  });
  afterAll(async () => {
    await source?.drop();
    await runSql(`drop database if exists ${restored} with (force)`).catch(() => undefined);
    await removeFolder(dir);
  });

  it('restores tables named x$restore_check$y, $restore_check$ and "multi\\nline", their rows checked', async () => {
    const into = new URL(source.url);
    into.pathname = `/${restored}`;

    const summary = await restoreBackup({ file, into: into.toString() });

    expect(summary.rowsByTable).toEqual({ 'public."$restore_check$"': 1, 'public."multi\nline"': 3, 'public."x$restore_check$y"': 2 });
    const client = new pg.Client({ connectionString: into.toString() });
    await client.connect();
    const { rows } = await client.query<{ n: number }>('select count(*)::int as n from public."x$restore_check$y"');
    await client.end();
    expect(rows).toEqual([{ n: 2 }]);
  });
});

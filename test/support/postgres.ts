import { describe } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the suites create their own databases on (trust auth on this machine and in CI). */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: boolean | undefined;

/** Whether the test server answers; asked once per test file with `pg_isready`-like speed. */
export function postgresReachable(): boolean {
  if (reachable === undefined) {
    try {
      execFileSync('psql', [ADMIN_URL, '-Atqc', 'select 1'], { stdio: 'pipe', timeout: 10_000 });
      reachable = true;
    } catch {
      reachable = false;
    }
  }
  return reachable;
}

/**
 * `describe` for suites that need the real PostgreSQL, psql and pg_dump. Without a server they are
 * skipped with a message saying so, except in CI (`CI=true`), where they run and fail loudly.
 */
export const describeWithPostgres: typeof describe = ((name: string, body: () => void) => {
  if (postgresReachable() || process.env.CI === 'true') return describe(name, body);
  process.stderr.write(`SKIPPED "${name}": no PostgreSQL at ${ADMIN_URL} (set TEST_DATABASE_URL; CI never skips)\n`);
  return describe.skip(name, body);
}) as typeof describe;

/** URL of `database` on the test server (or on the server of `adminUrl`). */
export function databaseUrl(database: string, adminUrl = ADMIN_URL): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Creates an empty database with a unique name (`<prefix>_<random>`), or exactly `options.name` (any
 * characters: quoted), on the test server or the one `options.adminUrl` reaches; `drop()` removes it.
 */
export async function createTestDatabase(
  prefix = 'notes_test',
  options: { name?: string; adminUrl?: string } = {},
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = options.name ?? `${prefix}_${randomBytes(4).toString('hex')}`;
  const quoted = `"${name.replace(/"/g, '""')}"`;
  const admin = options.adminUrl ?? ADMIN_URL;
  await runSql(`drop database if exists ${quoted} with (force)`, admin);
  await runSql(`create database ${quoted}`, admin);
  return {
    name,
    url: databaseUrl(name, admin),
    drop: () => runSql(`drop database if exists ${quoted} with (force)`, admin),
  };
}

/** Runs `sql` (one or more statements) on `url`, on a connection of its own (the admin database by default). */
export async function runSql(sql: string, url = ADMIN_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

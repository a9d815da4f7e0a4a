import { ConfigError } from '../config/ConfigError.js';

/** The libpq variables that name a server, a database or a user. */
export const PG_VARIABLES = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSERVICE'] as const;

/**
 * True when the environment says which PostgreSQL to use: `DATABASE_URL` or any `PG*` variable.
 * Without either, libpq's own defaults (a local socket, a database named after the OS user) would
 * be used silently; the command lines refuse that instead.
 */
export function hasDatabaseSettings(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DATABASE_URL?.trim()) || PG_VARIABLES.some((name) => env[name]?.trim());
}

/** Throws a ConfigError saying how to configure the database unless `hasDatabaseSettings(env)`. */
export function requireDatabaseSettings(env: NodeJS.ProcessEnv): void {
  if (!hasDatabaseSettings(env)) {
    throw new ConfigError(
      'no database configured: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/notes) or the PG* variables (npm start alone uses an embedded database)',
    );
  }
}

import type { ClientConfig } from 'pg';

/** How to reach the database, for `pg` and for `pg_dump`, with the password kept apart. */
export interface DatabaseConnection {
  /** Config for a `pg` client (empty: `pg` falls back to the standard `PG*` variables). */
  clientConfig: ClientConfig;
  /** pg_dump's connection arguments; never contain the password. */
  dumpArgs: string[];
  /** The password to hand to pg_dump through a passfile, if the URL has one. */
  password?: string;
  /** A printable description: the URL with its password replaced by `***`, or `PG* variables`. */
  description: string;
}

/**
 * Reads the connection from `DATABASE_URL`, else from the standard `PG*` variables (which `pg` and
 * pg_dump both read themselves). Throws a clear error on a malformed URL, without echoing it.
 */
export function databaseConnection(env: NodeJS.ProcessEnv = process.env): DatabaseConnection {
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    return { clientConfig: {}, dumpArgs: [], description: 'PG* variables' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL (expected postgresql://user:password@host:5432/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must start with postgresql:// (got ${parsed.protocol}//)`);
  }
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const withoutPassword = new URL(url);
  withoutPassword.password = '';
  return {
    clientConfig: { connectionString: url },
    dumpArgs: [`--dbname=${withoutPassword.toString()}`],
    password,
    description: redactUrl(url),
  };
}

/** Replaces the password of every `scheme://user:password@` in `text` with `***`. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}

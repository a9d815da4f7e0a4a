import type { ClientConfig } from 'pg';
import { userInfo } from 'node:os';
import { parse } from 'pg-connection-string';

/** How to reach the database, for `pg` and for `pg_dump`, with the secrets kept apart. */
export interface DatabaseConnection {
  /** Config for a `pg` client (empty: `pg` falls back to the standard `PG*` variables). */
  clientConfig: ClientConfig;
  /** pg_dump's connection arguments: the URL without any secret (no password, no sslpassword). */
  dumpArgs: string[];
  /** The password, for pg_dump's own environment (PGPASSWORD): never on a command line, never in a file. */
  password?: string;
  /** Every secret value of the connection, to be replaced by `***` wherever text might show it. */
  secrets: string[];
  /** A printable description: the URL with every secret replaced by `***`, or `PG* variables`. */
  description: string;
  /** The database's name as the settings give it (libpq's rule: PGDATABASE, else the user name), known without connecting. */
  database: string;
  /** The server and the user the settings name, as `pg` reads them (its defaults: localhost, 5432, the OS user): for messages. */
  server: { host: string; port: number; user: string };
  /** Where the user and password are set: named in the message of a refused login. */
  source: 'DATABASE_URL' | 'the PG* variables';
  /** The `PG*` variables of the environment the connection was read from: they apply to pg_dump as to libpq. */
  libpqEnvironment: Record<string, string>;
}

/** Query parameters of a connection URL that hold secrets. */
const SECRET_PARAMETERS = ['password', 'sslpassword'];

/**
 * Query parameters that name what the URL's own parts name, or that libpq reads and pg ignores:
 * pg takes `/database` and `user@`, pg_dump (libpq) lets `?dbname=` or a `?service=` entry override
 * them. Refused, so the service's checks and its pg_dump can never talk to two different databases.
 */
const PARAMETERS_IN_THE_URL_ITSELF = ['dbname', 'user', 'port', 'hostaddr', 'service', 'servicefile'];

/**
 * Reads the connection from `DATABASE_URL` (parsed with pg's own parser, pg-connection-string), else
 * from the standard `PG*` variables (which `pg` and pg_dump both read themselves). Throws a clear
 * error on a malformed URL, without echoing it.
 */
export function databaseConnection(env: NodeJS.ProcessEnv = process.env): DatabaseConnection {
  const url = env.DATABASE_URL?.trim();
  const libpqEnvironment = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => /^PG[A-Z]+$/.test(entry[0]) && typeof entry[1] === 'string'),
  );
  const user = env.PGUSER || userInfo().username;
  if (!url) {
    return {
      // Read from the environment given, not pg's own reading of process.env.
      clientConfig: {
        ...(env.PGHOST ? { host: env.PGHOST } : {}),
        ...(env.PGPORT ? { port: Number(env.PGPORT) } : {}),
        user,
        database: env.PGDATABASE || user,
        ...(env.PGPASSWORD ? { password: env.PGPASSWORD } : {}),
      },
      dumpArgs: [],
      secrets: env.PGPASSWORD ? [env.PGPASSWORD] : [],
      description: 'PG* variables',
      database: env.PGDATABASE || user,
      server: { host: env.PGHOST || 'localhost', port: Number(env.PGPORT) || 5432, user },
      source: 'the PG* variables',
      libpqEnvironment,
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
    parse(url);
    decodeURIComponent(parsed.password);
  } catch {
    throw new Error(
      'DATABASE_URL is not a valid URL (expected postgresql://user:password@host:5432/database; percent-encode special characters of the password: % as %25, @ as %40, # as %23)',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must start with postgresql:// (got ${parsed.protocol}//)`);
  }
  const conflicting = PARAMETERS_IN_THE_URL_ITSELF.filter((name) => parsed.searchParams.has(name));
  if (conflicting.length > 0) {
    throw new Error(
      `DATABASE_URL: give ${conflicting.map((name) => `?${name}=`).join(', ')} in the URL itself (postgresql://user@host:port/database): pg and pg_dump read such parameters differently, so a backup could come from another database`,
    );
  }
  // pg reads the name with decodeURI (which keeps %2F, %3B, %23…), libpq decodes every escape.
  const path = parsed.pathname.slice(1);
  if (decodeURIComponent(path) !== decodeURI(path)) {
    throw new Error(
      'DATABASE_URL: the database name holds a percent-encoded reserved character (such as %2F, %3B, %23), which pg and pg_dump read differently: use a database name without such characters',
    );
  }
  const options = parse(url);
  // A URL without a user: libpq (pg_dump, psql) takes PGUSER, else the OS user; pg takes PGUSER, else
  // $USER, which cron, systemd and `env -i` leave unset (pg then sends no user at all). So the OS user
  // is written into the URL both are given: they log in as the same user, whatever the environment.
  const connectionString = options.user || env.PGUSER ? url : withUser(url, user);
  const secrets = [
    url,
    ...(connectionString === url ? [] : [connectionString]),
    ...(parsed.password ? [decodeURIComponent(parsed.password), parsed.password] : []),
    ...SECRET_PARAMETERS.map((name) => parsed.searchParams.get(name)).filter((value): value is string => Boolean(value)),
  ];
  const withoutSecrets = new URL(connectionString);
  withoutSecrets.password = '';
  for (const name of SECRET_PARAMETERS) withoutSecrets.searchParams.delete(name);
  return {
    clientConfig: { connectionString },
    dumpArgs: [`--dbname=${withoutSecrets.toString()}`],
    password: options.password || undefined,
    secrets,
    description: describe(parsed),
    database: options.database || env.PGDATABASE || options.user || user,
    // pg's own fallbacks for what the URL leaves out: the PG* variables, then its defaults.
    server: {
      host: options.host || env.PGHOST || 'localhost',
      port: Number(options.port || env.PGPORT) || 5432,
      user: options.user || user,
    },
    source: 'DATABASE_URL',
    libpqEnvironment,
  };
}

/** `url` with `user` as its user name. */
function withUser(url: string, user: string): string {
  const named = new URL(url);
  named.username = encodeURIComponent(user);
  return named.toString();
}

/** A parsed URL with its secrets as `***`, built from the parsed parts (a raw password may hold spaces or quotes). */
function describe(parsed: URL): string {
  const shown = new URL(parsed.toString());
  if (shown.password) shown.password = '***';
  for (const name of SECRET_PARAMETERS) if (shown.searchParams.has(name)) shown.searchParams.set(name, '***');
  return shown.toString();
}

/**
 * Replaces every secret of every URL in `text` with `***`: the password of `scheme://user:password@`
 * (whatever characters it holds, `@` and `:` included) and `password` / `sslpassword` parameters. A URL
 * that cannot be parsed is shortened to its scheme.
 */
export function redactUrl(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi, (candidate) => {
    try {
      const url = new URL(candidate);
      if (url.password) url.password = '***';
      for (const name of SECRET_PARAMETERS) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
      return url.toString();
    } catch {
      return `${candidate.slice(0, candidate.indexOf('://'))}://***`;
    }
  });
}

/**
 * Every literal secret of `connection` replaced with `***` (an error may quote the password, or the
 * whole URL, even one too malformed to parse), then `redactUrl` for any other URL.
 */
export function redactSecrets(text: string, connection: Pick<DatabaseConnection, 'secrets' | 'description'>): string {
  let redacted = text;
  for (const secret of [...connection.secrets].sort((a, b) => b.length - a.length)) {
    redacted = redacted.split(secret).join(secret === connection.secrets[0] ? connection.description : '***');
  }
  return redactUrl(redacted);
}

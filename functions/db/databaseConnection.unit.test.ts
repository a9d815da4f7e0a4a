import { describe, expect, it } from '@jest/globals';
import { userInfo } from 'node:os';
import { databaseConnection, redactSecrets, redactUrl } from './databaseConnection.js';

describe('redactUrl: no secret of a URL in any text survives', () => {
  it.each([
    ['a password', 'failed: postgresql://app:s3cret@db:5432/notes', 'failed: postgresql://app:***@db:5432/notes'],
    ['a password holding @ and :', 'postgres://u:p@ss:w@h/d', 'postgres://u:***@h/d'],
    ['an encoded password', 'postgres://u:p%40%3A%2F%3F%23%25x@h/d', 'postgres://u:***@h/d'],
    ['a password parameter', 'postgres://u@h/d?sslmode=require&password=p4ss', 'postgres://u@h/d?sslmode=require&password=***'],
    [
      'an sslpassword parameter',
      'postgres://u@h/d?sslpassword=k3y&sslkey=/keys/client.key',
      'postgres://u@h/d?sslpassword=***&sslkey=%2Fkeys%2Fclient.key',
    ],
    ['two URLs', 'a postgres://u:one@h/d b postgres://v:two@h/e', 'a postgres://u:***@h/d b postgres://v:***@h/e'],
    ['no password', 'postgres://u@h:5432/d', 'postgres://u@h:5432/d'],
    ['a URL that cannot be parsed', 'postgres://u:p@[bad/d', 'postgres://***'],
  ])('%s', (_what, text, redacted) => {
    expect(redactUrl(text)).toBe(redacted);
  });
});

describe('databaseConnection', () => {
  const osUser = userInfo().username;

  it.each<[string, NodeJS.ProcessEnv, string]>([
    // pg would take $USER, unset under cron, systemd or `env -i`; libpq (pg_dump) the OS user.
    [
      'a URL without a user: the OS user, as libpq takes it',
      { DATABASE_URL: 'postgresql://db:5433/notes' },
      `postgresql://${osUser}@db:5433/notes`,
    ],
    [
      'the same with $USER naming someone else',
      { DATABASE_URL: 'postgresql://db:5433/notes', USER: 'not-me' },
      `postgresql://${osUser}@db:5433/notes`,
    ],
    [
      'a URL without a user and PGUSER: unchanged (pg and libpq both read PGUSER)',
      { DATABASE_URL: 'postgresql://db/notes', PGUSER: 'app' },
      'postgresql://db/notes',
    ],
    ['a URL with a user: unchanged', { DATABASE_URL: 'postgresql://app@db/notes' }, 'postgresql://app@db/notes'],
  ])('logs pg and pg_dump in as the same user: %s', (_case, env, connectionString) => {
    const connection = databaseConnection(env);

    expect(connection.clientConfig).toEqual({ connectionString });
    expect(connection.dumpArgs).toEqual([`--dbname=${connectionString}`]);
  });

  it.each([
    ['in the URL', 'postgresql://app:p%40%3A%2F%3F%23%25x@db:5433/notes', 'p@:/?#%x'],
    ['as a URL parameter', 'postgresql://app@db:5433/notes?password=p4ss&application_name=x', 'p4ss'],
  ])("keeps a password given %s out of pg_dump's arguments and out of the description", (_how, url, password) => {
    const connection = databaseConnection({ DATABASE_URL: url });

    expect(connection.password).toBe(password);
    expect(connection.dumpArgs.join(' ')).not.toContain(password);
    expect(connection.dumpArgs.join(' ')).not.toContain(encodeURIComponent(password));
    expect(connection.description).not.toContain(password.slice(0, 4));
    expect(connection.database).toBe('notes');
  });

  it('redacts the whole URL and the password wherever an error quotes them', () => {
    const url = 'postgresql://app:p%40ss@db:5433/notes';
    const connection = databaseConnection({ DATABASE_URL: url });

    const text = redactSecrets(`could not connect with ${url} (password "p@ss" refused)`, connection);

    expect(text).toBe('could not connect with postgresql://app:***@db:5433/notes (password "***" refused)');
  });

  it('keeps a raw password holding spaces and quotes out of the description and of any error text', () => {
    const url = `postgresql://app:pa ss"wo'rd tail@db:5433/notes`;
    const connection = databaseConnection({ DATABASE_URL: url });

    expect(connection.password).toBe(`pa ss"wo'rd tail`);
    expect(connection.description).toBe('postgresql://app:***@db:5433/notes');
    const text = redactSecrets(`failed for ${url}; password pa ss"wo'rd tail refused`, connection);
    expect(text).toBe('failed for postgresql://app:***@db:5433/notes; password *** refused');
  });

  it.each(['dbname', 'user', 'port', 'service', 'hostaddr'])('refuses ?%s=, which pg and pg_dump would read differently', (name) => {
    expect(() => databaseConnection({ DATABASE_URL: `postgresql://app@db/notes?${name}=other` })).toThrow(
      new RegExp(`give \\?${name}= in the URL itself`),
    );
  });

  it('refuses a database name with a percent-encoded reserved character, which pg and libpq decode differently', () => {
    expect(() => databaseConnection({ DATABASE_URL: 'postgresql://app@db/shop%3Beu' })).toThrow(/percent-encoded reserved character/);
    expect(databaseConnection({ DATABASE_URL: 'postgresql://app@db/caf%C3%A9' }).database).toBe('café');
  });

  it("reads the PG* variables of the environment it is given, not the process's", () => {
    const connection = databaseConnection({ PGHOST: 'db.example', PGPORT: '5433', PGUSER: 'app', PGDATABASE: 'notes', PGPASSWORD: 'pw' });

    expect(connection.clientConfig).toEqual({ host: 'db.example', port: 5433, user: 'app', database: 'notes', password: 'pw' });
    expect(connection.libpqEnvironment).toEqual({
      PGHOST: 'db.example',
      PGPORT: '5433',
      PGUSER: 'app',
      PGDATABASE: 'notes',
      PGPASSWORD: 'pw',
    });
    expect(connection.database).toBe('notes');
    expect(connection.secrets).toEqual(['pw']);
  });
});

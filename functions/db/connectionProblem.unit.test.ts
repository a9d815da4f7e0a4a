import { describe, expect, it } from '@jest/globals';
import { AppError } from '../errors/AppError.js';
import { connectionProblem } from './connectionProblem.js';
import { databaseConnection } from './databaseConnection.js';

/** An error as pg raises it: a message and, from the server or the socket, a code. */
const pgError = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});

const URL_SETTINGS = { DATABASE_URL: 'postgresql://app:s3cret@db.example:5433/notes_x' };

describe('connectionProblem: one error, and one message, per way of not reaching the database', () => {
  it.each([
    [
      'a database that does not exist (3D000)',
      URL_SETTINGS,
      pgError('3D000', 'database "notes_x" does not exist'),
      'DATABASE_MISSING',
      'database "notes_x" does not exist on db.example:5433; create it with: createdb -h db.example -p 5433 -U app notes_x',
    ],
    [
      'a missing database with a name the shell must be given in quotes, on the PG* variables',
      { PGHOST: '::1', PGUSER: 'app', PGDATABASE: "bob's notes" },
      pgError('3D000', `database "bob's notes" does not exist`),
      'DATABASE_MISSING',
      `database "bob's notes" does not exist on [::1]:5432; create it with: createdb -h ::1 -p 5432 -U app 'bob'"'"'s notes'`,
    ],
    [
      'a wrong password (28P01)',
      URL_SETTINGS,
      pgError('28P01', 'password authentication failed for user "app"'),
      'DATABASE_LOGIN_REFUSED',
      'the database server at db.example:5433 refused the login of user "app" (password authentication failed for user "app"): check the user and password in DATABASE_URL',
    ],
    [
      'a role that does not exist (28000), on the PG* variables',
      { PGHOST: 'db.example', PGUSER: 'nobody', PGDATABASE: 'notes' },
      pgError('28000', 'role "nobody" does not exist'),
      'DATABASE_LOGIN_REFUSED',
      'the database server at db.example:5432 refused the login of user "nobody" (role "nobody" does not exist): check the user and password in the PG* variables',
    ],
    [
      'a role without CONNECT on the database (42501 at log-in)',
      URL_SETTINGS,
      pgError('42501', 'permission denied for database "notes_x"'),
      'DATABASE_LOGIN_REFUSED',
      'the database server at db.example:5433 refused user "app" the database "notes_x" (permission denied for database "notes_x"): GRANT CONNECT ON DATABASE "notes_x" TO "app", or use another user in DATABASE_URL',
    ],
    [
      'a role that may log in but not read a table (42501 of a query)',
      URL_SETTINGS,
      pgError('42501', 'permission denied for table notes'),
      'DATABASE_PERMISSION_DENIED',
      'the database role "app" may not use the tables of "notes_x" (permission denied for table notes): GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "app", and USAGE ON ALL SEQUENCES IN SCHEMA public',
    ],
    [
      'a server that refuses the connection',
      URL_SETTINGS,
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5433'),
      'DATABASE_UNAVAILABLE',
      'cannot reach the database (postgresql://app:***@db.example:5433/notes_x): connect ECONNREFUSED 10.0.0.1:5433',
    ],
    [
      'a server shutting down (57P01)',
      URL_SETTINGS,
      pgError('57P01', 'terminating connection due to administrator command'),
      'DATABASE_UNAVAILABLE',
      'cannot reach the database (postgresql://app:***@db.example:5433/notes_x): terminating connection due to administrator command',
    ],
    [
      'a connection lost mid-query, its message quoting the URL',
      URL_SETTINGS,
      pgError(undefined, 'Connection terminated unexpectedly (postgresql://app:s3cret@db.example:5433/notes_x)'),
      'DATABASE_UNAVAILABLE',
      'cannot reach the database (postgresql://app:***@db.example:5433/notes_x): Connection terminated unexpectedly (postgresql://app:***@db.example:5433/notes_x)',
    ],
  ])('%s', (_case, settings, error, code, message) => {
    const problem = connectionProblem(error, databaseConnection(settings));

    expect({ code: problem?.code, message: problem?.message, expose: problem?.expose, cause: problem?.cause }).toEqual({
      code,
      message,
      expose: true,
      cause: error,
    });
    expect(problem?.message).not.toContain('s3cret');
  });

  it.each([
    ['a query of its own (a unique violation)', pgError('23505', 'duplicate key value violates unique constraint')],
    ['an error of the app, whatever its message says', new AppError('NOT_FOUND', 'note 1 has no tag "Connection terminated"')],
    ['something that is no error', 'boom'],
  ])('leaves %s alone', (_case, error) => {
    expect(connectionProblem(error, databaseConnection(URL_SETTINGS))).toBeUndefined();
  });
});

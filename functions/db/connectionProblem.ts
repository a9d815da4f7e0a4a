import { quote } from 'shlex';
import { AppError } from '../errors/AppError.js';
import { type DatabaseConnection, redactSecrets } from './databaseConnection.js';
import { DatabaseLoginRefusedError, DatabaseMissingError, DatabasePermissionDeniedError, DatabaseUnavailableError } from './errors.js';

/** Errors of reaching the server, not of a query: no connection, the server shutting down, a connection lost. */
const UNREACHABLE = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EAI_AGAIN|EPIPE|57P0[1-3]|08\d{3})$/;
const LOST = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

/** The server's refusal of a role that lacks CONNECT on the database (SQLSTATE 42501 at log-in). */
const NO_CONNECT = /^permission denied for database /;
/** A name as SQL writes an identifier: in double quotes, its own doubled. */
const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

export type ConnectionFacts = Pick<DatabaseConnection, 'database' | 'server' | 'source' | 'secrets' | 'description'>;

/**
 * What an error of connecting or querying means for whoever asked, as one error per situation: the
 * database missing (how to create it), the login refused (which user, which setting to check, or the
 * GRANT a role lacking CONNECT on the database needs), a privilege the role lacks on a table (what
 * to grant), or the server not reachable. Undefined for any other error: a query's own. Never names
 * a password.
 */
export function connectionProblem(error: unknown, connection: ConnectionFacts): AppError | undefined {
  if (error instanceof AppError) return undefined;
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = redactSecrets((error as Error | undefined)?.message ?? String(error), connection);
  const { host, port, user } = connection.server;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === '3D000') {
    const createdb = ['createdb', '-h', host, '-p', String(port), '-U', user, connection.database].map(quote).join(' ');
    return new DatabaseMissingError(`database "${connection.database}" does not exist on ${where}; create it with: ${createdb}`, {
      cause: error,
    });
  }
  if (code === '28P01' || code === '28000') {
    return new DatabaseLoginRefusedError(
      `the database server at ${where} refused the login of user "${user}" (${reason}): check the user and password in ${connection.source}`,
      { cause: error },
    );
  }
  // The role may log in but not into this database (REVOKE CONNECT): refused as a login is, not a query's error.
  if (code === '42501' && NO_CONNECT.test(reason)) {
    return new DatabaseLoginRefusedError(
      `the database server at ${where} refused user "${user}" the database "${connection.database}" (${reason}): ` +
        `GRANT CONNECT ON DATABASE ${identifier(connection.database)} TO ${identifier(user)}, or use another user in ${connection.source}`,
      { cause: error },
    );
  }
  // Logged in, but a table or sequence is not this role's to use: no request can succeed until it is granted.
  if (code === '42501') {
    // Short enough for the notes app, which shows at most 300 characters of an API's message.
    return new DatabasePermissionDeniedError(
      `the database role "${user}" may not use the tables of "${connection.database}" (${reason}): ` +
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${identifier(user)}, and USAGE ON ALL SEQUENCES IN SCHEMA public`,
      { cause: error },
    );
  }
  if ((typeof code === 'string' && UNREACHABLE.test(code)) || LOST.test(reason)) {
    return new DatabaseUnavailableError(`cannot reach the database (${connection.description}): ${reason}`, { cause: error });
  }
  return undefined;
}

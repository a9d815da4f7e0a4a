/**
 * The one table from the codes errors carry to HTTP statuses. Domain errors say what happened (a
 * code and the domain's facts), never how HTTP answers it: that is decided here, at the edge. A code
 * not in the table is a 500.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  // The request
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  NO_BACKUPS: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  BACKUP_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  // A JSON content type with a body that does not parse is a bad request; a body of another type, 415.
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNSEARCHABLE_QUERY: 400,
  // Restoring: what the caller asked for cannot be done as asked
  INVALID_TARGET: 400,
  PROTECTED_DATABASE: 400,
  TARGET_NOT_EMPTY: 400,
  NOT_A_BACKUP: 400,
  INCOMPLETE_BACKUP: 400,
  NOT_PERMITTED: 403,
  TARGET_BUSY: 409,
  // Something the service depends on is not there right now
  DATABASE_UNAVAILABLE: 503,
  TARGET_REFUSED: 503,
  SCRATCH_UNSUITABLE: 503,
  MIGRATIONS_BUSY: 503,
  BACKUP_CANCELLED: 503,
  BACKUP_DIR_MISSING: 503,
  BACKUP_DIR_NOT_WRITABLE: 503,
  FUNCTION_BUSY: 503,
  // Concurrent changes made the database abort a transaction on every try: nothing changed, a later try may pass
  TRANSACTION_CONFLICT: 503,
  INSUFFICIENT_STORAGE: 507,
  // The database is there but not as configured: no retry helps until someone creates the database
  // or fixes the user or password, so these are 500s (with their message shown), not the 503 of an
  // outage that may pass. 503 invites clients and load balancers to wait and try again.
  DATABASE_MISSING: 500,
  DATABASE_LOGIN_REFUSED: 500,
  DATABASE_PERMISSION_DENIED: 500,
  // The local gateway's function answered badly or not at all
  BAD_GATEWAY: 502,
  NO_FUNCTION_ENDPOINT: 502,
  FUNCTION_UNREACHABLE: 502,
  FUNCTION_ERROR: 502,
  BAD_FUNCTION_RESULT: 502,
};

/** The HTTP status an error with `code` answers with: the table's, else 500. */
export function statusOf(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

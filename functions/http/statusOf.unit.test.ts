import { describe, expect, it } from '@jest/globals';
import { statusOf } from './statusOf.js';

describe('statusOf: the one table from error codes to HTTP statuses', () => {
  // Each code with the status its error answered with when errors still carried statuses: unchanged.
  it.each([
    ['INVALID_INPUT', 400],
    ['UNAUTHORIZED', 401],
    ['NOT_FOUND', 404],
    ['NO_BACKUPS', 404],
    ['METHOD_NOT_ALLOWED', 405],
    ['CONFLICT', 409],
    ['BACKUP_IN_PROGRESS', 409],
    ['PAYLOAD_TOO_LARGE', 413],
    ['MALFORMED_JSON', 400],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['UNSEARCHABLE_QUERY', 400],
    ['INVALID_TARGET', 400],
    ['PROTECTED_DATABASE', 400],
    ['TARGET_NOT_EMPTY', 400],
    ['NOT_A_BACKUP', 400],
    ['INCOMPLETE_BACKUP', 400],
    ['DATABASE_UNAVAILABLE', 503],
    ['TARGET_REFUSED', 503],
    ['MIGRATIONS_BUSY', 503],
    ['BACKUP_CANCELLED', 503],
    ['BACKUP_DIR_MISSING', 503],
    ['BACKUP_DIR_NOT_WRITABLE', 503],
    ['FUNCTION_BUSY', 503],
    ['TRANSACTION_CONFLICT', 503],
    ['INSUFFICIENT_STORAGE', 507],
    ['FUNCTION_UNREACHABLE', 502],
    ['DATABASE_MISSING', 500],
    ['DATABASE_LOGIN_REFUSED', 500],
    ['DATABASE_PERMISSION_DENIED', 500],
    ['DUMP_FAILED', 500],
    ['BAD_CONFIGURATION', 500],
    ['ROTATION_FAILED', 500],
    ['LOCK_LOST', 500],
    ['PLANTED_SYMLINK', 500],
    ['A_CODE_NOBODY_MAPPED', 500],
  ])('%s answers %d', (code, status) => {
    expect(statusOf(code)).toBe(status);
  });
});

import type { DatabaseConnection } from '../../db/databaseConnection.js';

/** What pg_dump may see of this process's environment: how to find programs and locales. */
const PASSED_TO_PG_DUMP = /^(PATH|HOME|LANG|LC_[A-Z]+|TZ|TMPDIR)$/;

/**
 * pg_dump's environment, built from scratch: how to find programs and locales, the connection's libpq
 * settings (`PG*`), its password, a connect timeout. Nothing else of this process's reaches it.
 */
export function pgDumpEnvironment(
  env: NodeJS.ProcessEnv,
  connection: Pick<DatabaseConnection, 'libpqEnvironment' | 'password'>,
): NodeJS.ProcessEnv {
  const passed = Object.fromEntries(Object.entries(env).filter(([name]) => PASSED_TO_PG_DUMP.test(name)));
  return {
    ...passed,
    ...connection.libpqEnvironment,
    PGCONNECT_TIMEOUT: connection.libpqEnvironment.PGCONNECT_TIMEOUT ?? '10',
    ...(connection.password ? { PGPASSWORD: connection.password } : {}),
  };
}

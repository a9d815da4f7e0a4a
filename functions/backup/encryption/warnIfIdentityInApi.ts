import type { Logger } from '../../log/Logger.js';

/**
 * Logs a warning (`backup.identity_in_api`) when BACKUP_IDENTITY_FILE is set in the API's own
 * environment: the API never reads it (it encrypts to public keys only, and cannot read its backups
 * back), and an identity beside the server that writes the backups undoes the point of encrypting
 * them. Returns the warning's text, or undefined; changes nothing else.
 */
export function warnIfIdentityInApi(env: NodeJS.ProcessEnv, logger: Logger): string | undefined {
  if (!env.BACKUP_IDENTITY_FILE?.trim()) return undefined;
  const warning =
    'BACKUP_IDENTITY_FILE is set in the API environment: the API never reads it (it encrypts to public keys only); keep identities away from the server that writes the backups and give them to restore/verify only';
  logger.warn('backup.identity_in_api', { warning });
  return warning;
}

import { basename } from 'node:path';
import { DecryptionError } from './DecryptionError.js';

/** Whether a backup's name says it is encrypted (`.sql.age`, `.sql.gz.age`). */
export const isEncryptedBackup = (path: string): boolean => path.endsWith('.age');

/** The error for an encrypted backup opened without an identity: what to give, in one line. */
export function identityNeeded(path: string): DecryptionError {
  return new DecryptionError(
    'IDENTITY_NEEDED',
    `${basename(path)} is encrypted: give --identity <file> or BACKUP_IDENTITY_FILE (the age identity, AGE-SECRET-KEY-1…, of one of its recipients)`,
  );
}

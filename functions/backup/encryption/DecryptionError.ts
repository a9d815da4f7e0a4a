import { BackupError } from '../errors.js';

/**
 * An encrypted backup that cannot be opened, and why:
 * - IDENTITY_NEEDED: it is encrypted and no identity was given (`--identity`, BACKUP_IDENTITY_FILE);
 * - WRONG_IDENTITY: none of the identities given opens it (other recipients, or a damaged header);
 * - ENCRYPTED_BACKUP_DAMAGED: its header or a chunk fails authentication, or it was cut short;
 * - IDENTITY_INVALID: the identity file is not one (its contents are never shown).
 */
export class DecryptionError extends BackupError {
  constructor(
    code: 'IDENTITY_NEEDED' | 'WRONG_IDENTITY' | 'ENCRYPTED_BACKUP_DAMAGED' | 'IDENTITY_INVALID',
    message: string,
    options?: ConstructorParameters<typeof BackupError>[2],
  ) {
    super(code, message, options);
  }
}

import { open } from 'node:fs/promises';
import { identityToRecipient } from 'age-encryption';
import { DecryptionError } from './DecryptionError.js';

/** The identities (private keys) of one identity file: what `restore`/`verify --identity` decrypt with. */
export interface AgeIdentity {
  /** The file they came from, for messages (its contents are never shown). */
  file: string;
  /** `AGE-SECRET-KEY-1…` (X25519) and `AGE-SECRET-KEY-PQ-1…` (post-quantum hybrid) keys. */
  keys: string[];
  /** Their public keys (`age1…`), in the same order. */
  recipients: string[];
}

const MAX_BYTES = 1024 * 1024;

/** Where the identity file's path came from, named in the messages. */
export type IdentitySource = '--identity' | 'BACKUP_IDENTITY_FILE';

/**
 * Reads an age identity file as `age-keygen` writes it: one key a line, `#` comments and blank lines
 * ignored (the format `age -i` reads). Anything else is refused naming the line, never showing it:
 * a public key given by mistake, an armored or passphrase-protected file, a plugin identity; a key
 * given in place of the file's path is refused without being repeated or looked up as a file.
 */
export async function readIdentityFile(file: string, from: IdentitySource = '--identity'): Promise<AgeIdentity> {
  if (/^\s*AGE-(SECRET-KEY|PLUGIN)-/i.test(file)) {
    throw new DecryptionError(
      'IDENTITY_INVALID',
      `${from} takes the path of an identity file, not the key itself: save the key in a file (age-keygen -o <file> writes one) and give its path`,
    );
  }
  if (/^\s*age1[0-9a-z]+\s*$/i.test(file)) {
    throw new DecryptionError(
      'IDENTITY_INVALID',
      `${from} takes an identity file, not a public key (age1…): give the file age-keygen -o wrote, whose AGE-SECRET-KEY-1… line opens the backups`,
    );
  }
  const named = from === '--identity' ? file : `${file} (BACKUP_IDENTITY_FILE)`;
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_BYTES) throw invalid(named, `it is ${size} bytes, more than any identity file`);
      text = (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof DecryptionError) throw error;
    throw new DecryptionError('IDENTITY_INVALID', unreadable(named, error as NodeJS.ErrnoException));
  }
  const keys: string[] = [];
  const recipients: string[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `line ${index + 1}`;
    if (line.startsWith('age1')) {
      throw invalid(named, `${where} is a public key (a recipient): the identity is the AGE-SECRET-KEY-1… line age-keygen wrote`);
    }
    if (line.startsWith('-----BEGIN')) throw invalid(named, 'it is armored or passphrase-protected: decrypt it with age first');
    if (line.startsWith('AGE-PLUGIN-')) throw invalid(named, `${where} is a plugin identity: decrypt with the age CLI and its plugin`);
    if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line)) throw invalid(named, `${where} is not an AGE-SECRET-KEY-1… identity`);
    try {
      recipients.push(await identityToRecipient(line));
    } catch {
      throw invalid(named, `${where} is not a valid age identity (its checksum or length is wrong)`);
    }
    keys.push(line);
  }
  if (keys.length === 0) throw invalid(named, 'it holds no AGE-SECRET-KEY-1… identity');
  return { file, keys, recipients };
}

function unreadable(named: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT' && named.startsWith('~')) return `${named}: no such file; ~ is not expanded here: give the full path`;
  if (error.code === 'ENOENT') return `${named}: no such file; give the age identity file (age-keygen -o <file> writes one)`;
  if (error.code === 'EISDIR') return `${named} is a folder, not an age identity file`;
  if (error.code === 'EACCES') return `${named} cannot be read: permission denied (run as the user who owns it)`;
  return `${named} cannot be read (${error.code ?? error.message})`;
}

function invalid(file: string, why: string): DecryptionError {
  return new DecryptionError('IDENTITY_INVALID', `${file} is not an age identity file: ${why}`);
}

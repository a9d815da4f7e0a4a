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

/**
 * Reads an age identity file as `age-keygen` writes it: one key a line, `#` comments and blank lines
 * ignored (the format `age -i` reads). Anything else is refused naming the line, never showing it:
 * a public key given by mistake, an armored or passphrase-protected file, a plugin identity.
 */
export async function readIdentityFile(file: string): Promise<AgeIdentity> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_BYTES) throw invalid(file, `it is ${size} bytes, more than any identity file`);
      text = (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof DecryptionError) throw error;
    throw invalid(file, `it cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const keys: string[] = [];
  const recipients: string[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `line ${index + 1}`;
    if (line.startsWith('age1')) {
      throw invalid(file, `${where} is a public key (a recipient): the identity is the AGE-SECRET-KEY-1… line age-keygen wrote`);
    }
    if (line.startsWith('-----BEGIN')) throw invalid(file, 'it is armored or passphrase-protected: decrypt it with age first');
    if (line.startsWith('AGE-PLUGIN-')) throw invalid(file, `${where} is a plugin identity: decrypt with the age CLI and its plugin`);
    if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line)) throw invalid(file, `${where} is not an AGE-SECRET-KEY-1… identity`);
    try {
      recipients.push(await identityToRecipient(line));
    } catch {
      throw invalid(file, `${where} is not a valid age identity (its checksum or length is wrong)`);
    }
    keys.push(line);
  }
  if (keys.length === 0) throw invalid(file, 'it holds no AGE-SECRET-KEY-1… identity');
  return { file, keys, recipients };
}

function invalid(file: string, why: string): DecryptionError {
  return new DecryptionError('IDENTITY_INVALID', `${file} is not an age identity file: ${why}`);
}

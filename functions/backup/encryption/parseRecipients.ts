import { Encrypter } from 'age-encryption';

/**
 * The recipients (public keys) of a BACKUP_ENCRYPT_RECIPIENTS value or file: `age1…` (X25519) and
 * `age1pq1…` (post-quantum hybrid) keys separated by spaces, commas or lines; `#` starts a comment
 * (the format of `age -R` files). Each is checked by the age library itself (bech32 checksum, key
 * length); duplicates are dropped. Throws an Error saying which entry is wrong, for the caller to
 * name the setting: a backup is never written plaintext because a key was mistyped.
 */
export function parseRecipients(text: string): string[] {
  const entries = text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter(Boolean);
  if (entries.length === 0) throw new Error('it names no recipient (an age1… public key from age-keygen)');
  const recipients: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const which = `recipient ${index + 1}${shown(entry)}`;
    if (/^AGE-SECRET-KEY-/i.test(entry)) {
      throw new Error(
        `recipient ${index + 1} is a private key (an identity): give its public key, the age1… line age-keygen printed, and keep the identity away from the API`,
      );
    }
    if (entry.startsWith('ssh-')) throw new Error(`${which} is an SSH key: only age recipients (age1…) are supported`);
    if (entry.includes('/')) {
      throw new Error(`${which} is a path, not a key: put a file of keys in BACKUP_ENCRYPT_RECIPIENTS_FILE, or give the age1… key itself`);
    }
    if (!/^age1(pq1)?[02-9ac-hj-np-z]+$/.test(entry)) {
      throw new Error(`${which} is not an age X25519 (age1…) or post-quantum (age1pq1…) recipient`);
    }
    try {
      new Encrypter().addRecipient(entry);
    } catch {
      throw new Error(`${which} is not a valid age recipient (its checksum or length is wrong)`);
    }
    if (!recipients.includes(entry)) recipients.push(entry);
  }
  return recipients;
}

/**
 * What a message may show of an entry: a public key (or an SSH key's type) shortened, a path or a
 * short word whole; nothing of anything else, which may be a private key's body pasted in part.
 */
function shown(entry: string): string {
  if (/^(age1|ssh-)/i.test(entry)) return ` (${entry.length > 24 ? `${entry.slice(0, 12)}…${entry.slice(-6)}` : entry})`;
  if (entry.includes('/') || entry.length <= 16) return ` (${entry})`;
  return '';
}

import { describe, expect, it } from '@jest/globals';
import { generateHybridIdentity, generateIdentity, identityToRecipient } from 'age-encryption';
import { parseRecipients } from './parseRecipients.js';

const X25519 = 'age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp';
const OTHER = await identityToRecipient(await generateIdentity());
const HYBRID = await identityToRecipient(await generateHybridIdentity());

describe('parseRecipients: the keys a backup is encrypted for', () => {
  it.each([
    ['one key', X25519, [X25519]],
    ['keys separated by spaces, commas and lines', `${X25519}, ${OTHER}\n`, [X25519, OTHER]],
    ['an age -R file: comments and blank lines', `# laptop\n${X25519}\n\n${OTHER} # safe\n`, [X25519, OTHER]],
    ['a post-quantum hybrid key', HYBRID, [HYBRID]],
    ['the same key twice, kept once', `${X25519} ${X25519}`, [X25519]],
  ])('%s', (_case, text, expected) => {
    expect(parseRecipients(text)).toEqual(expected);
  });

  it.each([
    ['nothing', ' # only a comment\n', 'it names no recipient (an age1… public key from age-keygen)'],
    ['a private key by mistake', 'AGE-SECRET-KEY-1QQQ', 'recipient 1 is a private key (an identity): give its public key'],
    ['an SSH key', 'ssh-ed25519', 'recipient 1 (ssh-ed25519) is an SSH key: only age recipients (age1…) are supported'],
    ['a key one character short', X25519.slice(0, -1), 'is not a valid age recipient (its checksum or length is wrong)'],
    [
      'a key with one character changed',
      `${X25519.slice(0, 20)}${X25519[20] === 'q' ? 'p' : 'q'}${X25519.slice(21)}`,
      'is not a valid age recipient',
    ],
    ['a short key with a valid-looking start (wal-g #1086)', 'age1qqqq', 'recipient 1 (age1qqqq) is not a valid age recipient'],
    ['upper case', X25519.toUpperCase(), 'is not an age X25519 (age1…) or post-quantum (age1pq1…) recipient'],
    ['a second, bad key after a good one', `${X25519} age1nope`, 'recipient 2 (age1nope) is not'],
    ['a private key in lower case', 'age-secret-key-1qqq', 'recipient 1 is a private key (an identity)'],
    ['the path of a key file', '/home/me/.config/notes/backup.pub', 'recipient 1 (/home/me/.config/notes/backup.pub) is a path, not a key'],
    ["age-keygen's whole line", `Public key: ${X25519}`, 'recipient 1 (Public) is not an age X25519 (age1…)'],
  ])('refuses %s, saying which entry and why', (_case, text, message) => {
    expect(() => parseRecipients(text)).toThrow(message);
  });

  const SECRET_BODY = 'GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
  it.each([
    ['as written', `AGE-SECRET-KEY-1${SECRET_BODY}`],
    ['in lower case', `age-secret-key-1${SECRET_BODY}`.toLowerCase()],
    ['without its prefix', SECRET_BODY],
    ['with its prefix mistyped', `SECRET-KEY-1${SECRET_BODY}`],
    ['after a good key', `${X25519},AGE-SECRET-KEY-1${SECRET_BODY}`],
  ])('never repeats any part of a private key given by mistake (%s)', (_case, text) => {
    const error = (() => {
      try {
        parseRecipients(text);
        return new Error('parsed');
      } catch (caught) {
        return caught as Error;
      }
    })();

    expect(error.message).toMatch(/^recipient \d/);
    for (let start = 0; start + 6 <= SECRET_BODY.length; start += 1) {
      expect(error.message.toUpperCase()).not.toContain(SECRET_BODY.slice(start, start + 6));
    }
  });
});

import { Transform, type TransformCallback } from 'node:stream';

/** The first line of every age file (age-encryption.org/v1, "Header"). */
const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n');

/**
 * A stream that passes on what an encryptor wrote only once it begins with the age header's first
 * line, and fails otherwise: an encryptor that is broken into passing its input through (WAL-G's
 * release binaries once uploaded plaintext while configured to encrypt) can never put plaintext in
 * a backup file. Holds back at most the magic's 22 bytes; nothing else is looked at.
 */
export function ageOutputOnly(): Transform {
  let held = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (checked) return done(null, chunk);
      held = Buffer.concat([held, chunk]);
      if (held.length < AGE_MAGIC.length) return done();
      if (!held.subarray(0, AGE_MAGIC.length).equals(AGE_MAGIC)) {
        held = Buffer.alloc(0);
        return done(new Error('the encryptor did not write an age file (its output does not begin with the age header)'));
      }
      checked = true;
      const all = held;
      held = Buffer.alloc(0);
      done(null, all);
    },
    flush(done: TransformCallback) {
      done(checked ? null : new Error('the encryptor wrote no age header'));
    },
  });
}

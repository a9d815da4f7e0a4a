import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { quoteWord } from './quoteWord.js';

describe('quoteWord in a shell (the real bash, where one-shot hints are typed)', () => {
  it('quotes generated words so that bash reads each back as it is, one word', () => {
    // Printable text: a terminal user types no NUL, and bash arguments cannot hold one.
    const words = fc.sample(
      fc.string({ unit: 'grapheme', maxLength: 20 }).filter((word) => !/\p{Cc}/u.test(word)),
      300,
    );
    words.push(`it's "done"`, 'costs $5 `now`', 'wow!', '!!', 'a\\b', "'", '"', '', '~', '*', '#hash', 'a;b|c&d');

    // History expansion (`!`) on, as in a terminal: it works on lines read as input, not on `bash -c`.
    const script = `set -o history -o histexpand\nprintf '%s\\0' ${words.map(quoteWord).join(' ')}\n`;
    const out = execFileSync('bash', ['--norc', '--noprofile'], { input: script, encoding: 'utf8' });

    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { split } from 'shlex';
import { quoteWord } from './quoteWord.js';

describe('quoteWord', () => {
  it.each([
    ['home/groceries', 'home/groceries'],
    ['Shopping list', '"Shopping list"'],
    ['', '""'],
    ["Bob's list", `"Bob's list"`],
    ['say "hi"', `'say "hi"'`],
    ['costs $5', `'costs $5'`],
    ['wow!', `'wow!'`],
    ['back\\slash', `'back\\slash'`],
    [`it's "done"`, `'it'\\''s "done"'`],
  ])('%j → %s', (word, typed) => {
    expect(quoteWord(word)).toBe(typed);
  });
});

describe('quoteWord at the prompt', () => {
  it('quotes any word so that the prompt (shlex) reads it back as it is, one word', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (word) => {
        expect(split(quoteWord(word))).toEqual([word]);
      }),
    );
  });
});

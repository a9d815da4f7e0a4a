import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { CommandFlags } from './Command.js';
import { COMMANDS } from './commands.js';
import { parseLine } from './parseLine.js';
import { quotesHint } from './quotesHint.js';

const add = COMMANDS.find((command) => command.name === 'add')!;

describe('quotesHint', () => {
  it.each<[string[], CommandFlags, string, string]>([
    [['Shopping', 'list'], { folder: 'home' }, '', 'a title of several words needs quotes: add "Shopping list" --folder home'],
    [['Shopping', 'list'], {}, 'notes ', 'a title of several words needs quotes: notes add "Shopping list"'],
    [
      ['Buy', 'milk'],
      { body: 'two litres', folder: 'home/dairy', json: true },
      '',
      'a title of several words needs quotes: add "Buy milk" --body "two litres" --folder home/dairy --json',
    ],
    [["Bob's", 'list'], {}, '', `a title of several words needs quotes: add "Bob's list"`],
    [['say', '"hi"'], {}, '', `a title of several words needs quotes: add 'say "hi"'`],
    [["it's", '"done"'], { body: '-1 litre' }, '', `a title of several words needs quotes: add 'it'\\''s "done"' --body="-1 litre"`],
    [['-x', 'y'], {}, 'notes ', 'a title of several words needs quotes: notes add -- "-x y"'],
    [['-x', 'y'], { folder: 'home', body: '-b' }, '', 'a title of several words needs quotes: add --folder home --body=-b -- "-x y"'],
  ])('%j %j %j', (args, flags, prefix, message) => {
    expect(quotesHint(add, args, flags, prefix)).toBe(message);
  });

  // Words as the prompt hands them over (a leading `-` too: after `--`); a flag's value without one.
  const word = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
  const value = word.filter((text) => !text.startsWith('-'));

  it('gives a line that reads back, at the prompt, as the words joined into one title and the same flags', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 2, maxLength: 5 }),
        fc.record({ body: fc.string({ maxLength: 12 }), folder: value }, { requiredKeys: [] }),
        (args, flags) => {
          const line = quotesHint(add, args, flags).replace(/^[^:]*: /, '');

          const { words, flags: read } = parseLine(line);

          expect({ words, flags: read }).toEqual({ words: ['add', args.join(' ')], flags });
        },
      ),
    );
  });
});

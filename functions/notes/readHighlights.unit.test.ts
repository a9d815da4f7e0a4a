import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MATCH_END, MATCH_START, type MatchRange, readHighlights } from './readHighlights.js';

/** `[milk]` in a case stands for the word between ts_headline's markers. */
const marked = (text: string) => text.replaceAll('[', MATCH_START).replaceAll(']', MATCH_END);

describe('readHighlights: ts_headline output with markers to plain text and code-point ranges', () => {
  it.each([
    ['no match', 'Buy milk', {}, 'Buy milk', []],
    ['one word', 'Buy [milk]', {}, 'Buy milk', [[4, 8]]],
    [
      'two words',
      '[Milk] and [milk]',
      {},
      'Milk and milk',
      [
        [0, 4],
        [9, 13],
      ],
    ],
    [
      'accents count one each',
      'Crème [brûlée] [flambée]',
      {},
      'Crème brûlée flambée',
      [
        [6, 12],
        [13, 20],
      ],
    ],
    ['an emoji (two UTF-16 units) counts one', '☕🎉 [café]', {}, '☕🎉 café', [[3, 7]]],
    ['a combining accent counts as its own code point', 'cafe\u0301 [bar]', {}, 'cafe\u0301 bar', [[6, 9]]],
    ['an astral-plane word', '[𝄞𝄞] music', {}, '𝄞𝄞 music', [[0, 2]]],
    ['an empty match is dropped', 'a [] b', {}, 'a  b', []],
    ['a start without an end is dropped', 'a [b c', {}, 'a b c', []],
    ['an end without a start is dropped', 'a b] c', {}, 'a b c', []],
    ['lines kept as they are without oneLine', 'a\n[b]', {}, 'a\nb', [[2, 3]]],
    [
      'oneLine: newlines, tabs and runs become one space',
      'milk,\n\n  [eggs]\tand\r\n[flour]',
      { oneLine: true },
      'milk, eggs and flour',
      [
        [6, 10],
        [15, 20],
      ],
    ],
    ['oneLine: the ends are trimmed', '\n  [milk] and eggs  \n', { oneLine: true }, 'milk and eggs', [[0, 4]]],
    ['oneLine: control characters (an escape) are blanks', 'a\u001b31m [b]\u0007c', { oneLine: true }, 'a 31m b c', [[6, 7]]],
    ['oneLine: blanks only', ' \n\t ', { oneLine: true }, '', []],
    ['the stand-ins of < and / become < and / again, one for one', '\uE002b>[milk]\uE002\uE003b>', {}, '<b>milk</b>', [[3, 7]]],
  ] as [string, string, { oneLine?: boolean }, string, MatchRange[]][])('%s', (_case, headline, options, text, matches) => {
    expect(readHighlights(marked(headline), options)).toEqual({ text, matches });
  });

  it('gives back the ranges that were marked, whatever the text (generated)', () => {
    const noMarkers = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\uE000\uE001]/g, ''));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            noMarkers,
            noMarkers.filter((s) => s.length > 0),
          ),
          { maxLength: 6 },
        ),
        noMarkers,
        (pieces, tail) => {
          let headline = '';
          let plain = '';
          const expected: MatchRange[] = [];
          for (const [before, word] of pieces) {
            headline += `${before}${MATCH_START}${word}${MATCH_END}`;
            const start = [...plain].length + [...before].length;
            plain += before + word;
            expected.push([start, start + [...word].length]);
          }
          headline += tail;
          plain += tail;

          const { text, matches } = readHighlights(headline);

          expect(text).toBe(plain);
          expect(matches).toEqual(expected);
          for (const [start, end] of matches) expect([...text].slice(start, end).join('')).not.toBe('');
        },
      ),
    );
  });

  it('keeps one line one line: no blank runs, no blank ends, every range on a word (generated)', () => {
    const piece = fc.oneof(fc.constantFrom(' ', '\n', '\t', '\r\n', '\u001b', MATCH_START, MATCH_END), fc.string({ maxLength: 5 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const { text, matches } = readHighlights(pieces.join(''), { oneLine: true });

        // Blanks only as single spaces between other characters.
        expect(text).not.toMatch(/[^\S ]|\p{Cc}| {2}|^ | $/u);
        const codePoints = [...text];
        for (const [start, end] of matches) {
          expect(0 <= start && start < end && end <= codePoints.length).toBe(true);
          expect(codePoints[start]).not.toBe(' ');
          expect(codePoints[end - 1]).not.toBe(' ');
        }
      }),
    );
  });
});

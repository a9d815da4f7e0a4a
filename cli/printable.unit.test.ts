import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { printable } from './printable.js';

describe('printable: user text shows its control characters instead of sending them to the terminal', () => {
  it.each([
    ['a title', '\u001b[31mRED\u001b[0m banana \u001b]0;pwned\u0007', {}, '␛[31mRED␛[0m banana ␛]0;pwned␇'],
    ['a folder name', 'evil\u001b[2Jdir', {}, 'evil␛[2Jdir'],
    ['a one-line field: newline, tab, CR too', 'a\nb\tc\rd', {}, 'a␊b␉c␍d'],
    ['DEL and NUL', 'a\u007fb\u0000c', {}, 'a␡b␀c'],
    ['C1 (CSI, NEL): no picture, so U+FFFD', 'a\u009b2Jb\u0085c', {}, 'a�2Jb�c'],
    ['a body keeps its lines and tabs', 'x\u001b[2J banana\n\tsecond line', { multiline: true }, 'x␛[2J banana\n\tsecond line'],
    ['a body: CRLF is a line end, a lone CR is shown', 'one\r\ntwo\rthree', { multiline: true }, 'one\ntwo␍three'],
    ['text without controls is as it was', 'Crème brûlée ☕ 𝄞 "q" \\', {}, 'Crème brûlée ☕ 𝄞 "q" \\'],
  ])('%s', (_case, text, options, shown) => {
    expect(printable(text, options)).toBe(shown);
  });

  it('leaves no C0, DEL or C1 character, one-line or body (but \\n and \\t), and keeps one-line text as long (search ranges)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const line = printable(text);
        const body = printable(text, { multiline: true });

        expect(line).not.toMatch(/\p{Cc}/u);
        expect(body.replace(/[\n\t]/g, '')).not.toMatch(/\p{Cc}/u);
        expect([...line]).toHaveLength([...text].length);
      }),
    );
  });
});

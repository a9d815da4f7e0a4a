import { describe, expect, it } from '@jest/globals';
import type { SearchHit, SearchResult } from '../../functions/notes/searchNotes.js';
import { formatSearchResult } from './formatSearchResult.js';
import { Output } from './Output.js';

const terminal = { isTTY: true, hasColors: () => true, write: () => true } as unknown as NodeJS.WritableStream;
const plain = new Output(terminal, terminal, { NO_COLOR: '1' });
/**
 * An Output whose styles show as <style>…</style>: node's styleText colours only when this process's
 * stdout is a terminal, which jest's is not (the escape codes on a real one: cli/searchInTerminal.test.ts).
 */
const tagged = { style: (style: string, text: string) => `<${style}>${text}</${style}>` } as unknown as Output;
const hl = (text: string) => `<bold><yellow>${text}</yellow></bold>`;
const dim = (text: string) => `<dim>${text}</dim>`;

const hit = (fields: Partial<SearchHit>): SearchHit => ({
  id: 7,
  title: 'Milk tea',
  folderId: null,
  folder: null,
  status: 'active',
  tags: [],
  updatedAt: '2026-12-05T10:00:00.000Z',
  titleMatches: [],
  snippet: null,
  snippetMatches: [],
  ...fields,
});
const result = (notes: SearchHit[], total = notes.length, totalExact = true): SearchResult => ({ notes, total, totalExact });

describe('formatSearchResult: search hits for the terminal', () => {
  it.each([
    ['no match', result([]), 'milk', 'no notes match "milk"'],
    ['a title match', result([hit({ titleMatches: [[0, 4]] })]), 'milk', '7  active  Milk tea'],
    [
      'a body match: its snippet under the title, under the title column',
      result([
        hit({ id: 12, title: 'Groceries', folder: 'home/groceries', tags: ['shop'], snippet: 'milk, eggs', snippetMatches: [[0, 4]] }),
      ]),
      'milk',
      '12  active  Groceries [home/groceries] #shop\n            milk, eggs',
    ],
    [
      'a snippet without matching words is not shown',
      result([hit({ snippet: 'the start of the body', snippetMatches: [] })]),
      'milk',
      '7  active  Milk tea',
    ],
    [
      'more matches than shown',
      result([hit({}), hit({ id: 8, status: 'archived' })], 57),
      'tea',
      '7  active    Milk tea\n8  archived  Milk tea\n2 of 57 matches',
    ],
    ['more matches than the API counts', result([hit({})], 1000, false), 'tea', '7  active  Milk tea\n1 of 1000+ matches'],
    [
      'a long title cut at 60 characters',
      result([hit({ title: `${'x'.repeat(70)} milk`, titleMatches: [[71, 75]] })]),
      'milk',
      `7  active  ${'x'.repeat(59)}…`,
    ],
    [
      'control characters shown as their pictures (printable), the ranges still on the words',
      result([hit({ title: 'Milk\u001b[31m tea', snippet: 'a\u0007milk', snippetMatches: [[2, 6]] })]),
      'milk',
      '7  active  Milk␛[31m tea\n           a␇milk',
    ],
    [
      'a folder and tags with escapes, a tag starting with #',
      result([hit({ folder: 'evil\u001b[2Jdir', tags: ['t\u001b]0;x\u0007ag', '#hash', 'two words'] })]),
      'milk',
      '7  active  Milk tea [evil␛[2Jdir] #t␛]0;x␇ag #"#hash" #"two words"',
    ],
    ['no hit: the query quoted as typed', result([]), '"meeting board"', `no notes match '"meeting board"'`],
    ['no hit: a plain query', result([]), 'shoes', 'no notes match "shoes"'],
  ])('%s (no colour)', (_case, answer, query, expected) => {
    expect(formatSearchResult(answer, query, plain)).toBe(expected);
  });

  it.each([
    [{ folder: 'home', tag: 'sport' }, 'no notes in home tagged sport match "shoes"'],
    [{ tag: 'two words' }, 'no notes tagged "two words" match "shoes"'],
    [{ folder: 'home/evil\u001b[2J' }, 'no notes in home/evil␛[2J match "shoes"'],
  ])('no hit with filters %j names them', (filters, expected) => {
    expect(formatSearchResult(result([]), 'shoes', plain, filters)).toBe(expected);
  });

  it.each([
    ['a title match', hit({ titleMatches: [[0, 4]] }), `7  ${dim('active')}  ${hl('Milk')} tea`],
    [
      'title and snippet matches, multi-byte text around them',
      hit({
        title: '☕🎉 Crème brûlée',
        titleMatches: [
          [3, 8],
          [9, 15],
        ],
        snippet: 'Sahne — café crème',
        snippetMatches: [[13, 18]],
      }),
      `7  ${dim('active')}  ☕🎉 ${hl('Crème')} ${hl('brûlée')}\n           ${dim('Sahne — café ')}${hl('crème')}`,
    ],
    [
      'a match cut off by the title length is highlighted up to the cut',
      hit({ title: `${'x'.repeat(57)} milk`, titleMatches: [[58, 62]] }),
      `7  ${dim('active')}  ${'x'.repeat(57)} ${hl('m')}…`,
    ],
    [
      'ranges out of bounds, reversed, fractional or overlapping are ignored',
      hit({
        titleMatches: [
          [5, 8],
          [-1, 2],
          [6, 7],
          [3, 1],
          [0.5, 2],
          [9, 12],
        ],
      }),
      `7  ${dim('active')}  Milk ${hl('tea')}`,
    ],
  ])('%s (styled)', (_case, note, expected) => {
    expect(formatSearchResult(result([note]), 'q', tagged)).toBe(expected);
  });
});

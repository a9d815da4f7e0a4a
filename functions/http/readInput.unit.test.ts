import { describe, expect, it } from '@jest/globals';
import { AppError } from '../errors/AppError.js';
import { freeText, idList, queryParameters, text, textList } from './readInput.js';

/** What a reader answers: the value, or the INVALID_INPUT message it refuses with. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    if (error instanceof AppError && error.code === 'INVALID_INPUT') return `refused: ${error.message}`;
    throw error;
  }
}

const emoji = (count: number) => '🎉'.repeat(count);

describe('readInput: lengths in characters (code points), as the database counts them', () => {
  it.each<[string, () => unknown, unknown]>([
    ['a title of 500 emoji', () => text(emoji(500), 'title', { max: 500 }), emoji(500)],
    ['a title of 501 emoji', () => text(emoji(501), 'title', { max: 500 }), 'refused: title must be 1 to 500 characters'],
    ['a folder name of 200 emoji', () => text(emoji(200), 'name', { max: 200 }), emoji(200)],
    ['a folder name of 201 emoji', () => text(emoji(201), 'name', { max: 200 }), 'refused: name must be 1 to 200 characters'],
    ['a q of 200 accented letters (combining)', () => text('e\u0301'.repeat(100), 'q', { max: 200 }), 'e\u0301'.repeat(100)],
    ['a q of 201 ASCII letters', () => text('x'.repeat(201), 'q', { max: 200 }), 'refused: q must be 1 to 200 characters'],
    ['a body of 10 emoji where 10 are allowed', () => freeText(emoji(10), 'body', 10), emoji(10)],
    ['a body of 11 emoji where 10 are allowed', () => freeText(emoji(11), 'body', 10), 'refused: body must be at most 10 characters'],
  ])('%s', (_case, read, expected) => {
    expect(outcome(read)).toEqual(expected);
  });
});

describe('readInput: text is Unicode text, as the database will store it', () => {
  it.each<[string, () => unknown, unknown]>([
    [
      'a title with a lone high surrogate',
      () => text('x\ud800y', 'title', { max: 500 }),
      'refused: title must not contain a lone UTF-16 surrogate (\\ud800 to \\udfff without its pair)',
    ],
    [
      'a body ending in a lone low surrogate',
      () => freeText('milk \udc00', 'body'),
      'refused: body must not contain a lone UTF-16 surrogate (\\ud800 to \\udfff without its pair)',
    ],
    [
      'a tag that is only a lone surrogate, named',
      () => textList(['ok', '\udc00'], 'add', 'tag', { max: 100 }),
      'refused: tag "\\udc00" must not contain a lone UTF-16 surrogate (\\ud800 to \\udfff without its pair)',
    ],
    ['a surrogate pair (an emoji) is text', () => text('🥛 milk', 'q', { max: 200 }), '🥛 milk'],
  ])('%s', (_case, read, expected) => {
    expect(outcome(read)).toEqual(expected);
  });
});

describe('readInput: duplicates named for people, not by the field that holds them', () => {
  it.each<[string, () => unknown, unknown]>([
    ['a tag twice', () => textList(['sport', 'x', 'sport'], 'add', 'tag', { max: 100 }), 'refused: tag "sport" is given twice'],
    ['a note twice', () => idList([1, 2, 1], 'ids', 'note'), 'refused: note 1 is given twice'],
    ['distinct tags', () => textList(['a', 'b'], 'add', 'tag', { max: 100 }), ['a', 'b']],
  ])('%s', (_case, read, expected) => {
    expect(outcome(read)).toEqual(expected);
  });
});

describe('queryParameters: only the allowed ones, each once', () => {
  const event = (pairs: [string, string][]) => ({
    queryStringParameters: Object.fromEntries(pairs),
    multiValueQueryStringParameters: pairs.reduce<Record<string, string[]>>((all, [name, value]) => {
      (all[name] ??= []).push(value);
      return all;
    }, {}),
  });

  it.each<[string, [string, string][], unknown]>([
    ['one q', [['q', 'milk']], { q: 'milk' }],
    [
      'q twice',
      [
        ['q', 'milk'],
        ['q', 'tea'],
      ],
      'refused: query parameter "q" is given more than once',
    ],
    [
      'folderId twice',
      [
        ['q', 'milk'],
        ['folderId', '1'],
        ['folderId', '1'],
      ],
      'refused: query parameter "folderId" is given more than once',
    ],
    ['an unknown one', [['query', 'milk']], 'refused: unknown query parameter "query"; allowed: q, folderId'],
  ])('%s', (_case, pairs, expected) => {
    expect(outcome(() => queryParameters(event(pairs), ['q', 'folderId']))).toEqual(expected);
  });

  it('takes a payload 2.0 event, which has no multi-value parameters', () => {
    expect(queryParameters({ queryStringParameters: { q: 'milk' } }, ['q'])).toEqual({ q: 'milk' });
  });
});

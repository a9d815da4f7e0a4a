import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../UsageError.js';
import { searchQuery } from './searchQuery.js';

describe('searchQuery: the words of search <words>… and its --limit', () => {
  it.each([
    [['milk'], undefined, { text: 'milk' }],
    [['oat', 'milk'], undefined, { text: 'oat milk' }],
    [['milk -tea'], undefined, { text: 'milk -tea' }],
    [['milk', '-tea'], undefined, { text: 'milk -tea' }],
    [['"oat milk"', 'or', 'tea'], undefined, { text: '"oat milk" or tea' }],
    [['  milk  '], undefined, { text: 'milk' }],
    [['café', '☕'], '1', { text: 'café ☕', limit: 1 }],
    [['milk'], '100', { text: 'milk', limit: 100 }],
    [['m'.repeat(200)], undefined, { text: 'm'.repeat(200) }],
    // Characters as the API counts them (code points): 200 emoji are 400 UTF-16 units.
    [['🥛'.repeat(200)], undefined, { text: '🥛'.repeat(200) }],
  ])('%j --limit %s searches %j', (words, limit, expected) => {
    expect(searchQuery(words, limit)).toEqual(expected);
  });

  it.each([
    [[''], undefined, 'search needs a word to look for, e.g. search milk'],
    [['  ', ''], undefined, 'search needs a word to look for, e.g. search milk'],
    [['m'.repeat(201)], undefined, 'a search is at most 200 characters; this one has 201'],
    [['🥛'.repeat(201)], undefined, 'a search is at most 200 characters; this one has 201'],
    [['milk'], '0', '--limit takes a whole number from 1 to 100, not "0"'],
    [['milk'], '101', '--limit takes a whole number from 1 to 100, not "101"'],
    [['milk'], '1e2', '--limit takes a whole number from 1 to 100, not "1e2"'],
    [['milk'], '-5', '--limit takes a whole number from 1 to 100, not "-5"'],
    [['milk'], '', '--limit takes a whole number from 1 to 100, not ""'],
  ])('refuses %j --limit %s', (words, limit, message) => {
    expect(() => searchQuery(words, limit)).toThrow(new UsageError(message));
  });
});

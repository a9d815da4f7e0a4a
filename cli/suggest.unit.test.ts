import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { suggest } from './suggest.js';

const COMMAND_WORDS = [
  'folders',
  'folder',
  'notes',
  'add',
  'show',
  'edit',
  'rm',
  'tag',
  'untag',
  'backup',
  'backups',
  'help',
  'exit',
  'quit',
];
const FLAGS = [
  'api-url',
  'token',
  'api-key',
  'backup',
  'backup-timeout',
  'folder',
  'tag',
  'body',
  'title',
  'status',
  'json',
  'all',
  'help',
];

describe('suggest', () => {
  it.each([
    ['fodlers', COMMAND_WORDS, 'folders'],
    ['Exit', COMMAND_WORDS, 'exit'],
    ['QUIT', COMMAND_WORDS, 'quit'],
    ['tga', COMMAND_WORDS, 'tag'],
    ['nots', COMMAND_WORDS, 'notes'],
    ['backpus', COMMAND_WORDS, 'backups'],
    ['foldr', FLAGS, 'folder'],
    ['api-ulr', FLAGS, 'api-url'],
    ['jsno', FLAGS, 'json'],
    ['Folder', ['Folder', 'folder'], 'Folder'],
  ])('%j among %j → %j', (typed, candidates, closest) => {
    expect(suggest(typed, candidates)).toBe(closest);
  });

  it.each([
    ['xyz', COMMAND_WORDS],
    ['ls', COMMAND_WORDS],
    ['delete', COMMAND_WORDS],
    ['colour', FLAGS],
    ['', COMMAND_WORDS],
    ['folders', []],
  ])('%j among %j → nothing close', (typed, candidates) => {
    expect(suggest(typed, candidates)).toBeUndefined();
  });

  it('names only a candidate, as it is spelled there; a candidate typed in any case is that candidate', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.constantFrom(...COMMAND_WORDS), (typed, word) => {
        const closest = suggest(typed, COMMAND_WORDS);
        expect(closest === undefined || COMMAND_WORDS.includes(closest)).toBe(true);
        expect(suggest(word.toUpperCase(), COMMAND_WORDS)).toBe(word);
      }),
    );
  });
});

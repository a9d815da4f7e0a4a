import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../UsageError.js';
import { parseLine } from './parseLine.js';

describe('parseLine', () => {
  it.each([
    ['add Milk', ['add', 'Milk'], {}],
    ['add "Crème brûlée" --folder home/desserts', ['add', 'Crème brûlée'], { folder: 'home/desserts' }],
    ["tag 3 'two words' urgent", ['tag', '3', 'two words', 'urgent'], {}],
    ['notes --tag urgent --json', ['notes'], { tag: 'urgent', json: true }],
    ['edit 3 --body="line one" --status draft', ['edit', '3'], { body: 'line one', status: 'draft' }],
    ['   folders   ', ['folders'], {}],
    ['add "He said \\"hi\\""', ['add', 'He said "hi"'], {}],
    ['add \'a "quoted" word\'', ['add', 'a "quoted" word'], {}],
    ["add it\\'s", ['add', "it's"], {}],
    ['tag 1 ""', ['tag', '1', ''], {}],
    ['add --help', ['add'], { help: true }],
    ['--help', [], { help: true }],
    ['search milk --limit 3 -- -tea --json', ['search', 'milk', '-tea', '--json'], { limit: '3' }],
    ['search "milk -tea"', ['search', 'milk -tea'], {}],
  ])('reads %j', (line, words, flags) => {
    const { words: read, flags: readFlags } = parseLine(line);

    expect({ words: read, flags: readFlags }).toEqual({ words, flags });
  });

  it.each([
    ['add x --colour red', /^unknown option --colour$/],
    ['search milk --limit 1 --limit 2', /^--limit is given twice: give it once$/],
    ['search milk --folder home --folder=work', /^--folder is given twice: give it once$/],
    ['notes --json --json', /^--json is given twice: give it once$/],
    ['add x --foldr home', /^unknown option --foldr; did you mean --folder\?$/],
    ['notes --tga=x', /^unknown option --tga; did you mean --tag\?$/],
    ['add x --HELP', /^unknown option --HELP; did you mean --help\?$/],
    ['add x -f home', /^unknown option -f \(a word starting with - goes after --/],
    ['search milk -tea', /^unknown option -tea \(a word starting with - goes after --, e\.g\. search milk -- -tea\)$/],
    ['add -x y --folder home', /^unknown option -x \(a word starting with - goes after --, e\.g\. add --folder home -- -x y\)$/],
    ['search -tea milk --limit 3', /^unknown option -tea \(a word starting with - goes after --, e\.g\. search --limit 3 -- -tea milk\)$/],
    ["search 'a b' -tea", /^unknown option -tea \(a word starting with - goes after --, e\.g\. search "a b" -- -tea\)$/],
    ['folders --foldr x', /^unknown option --foldr; folders takes no --folder; usage: folders \[--json\]$/],
    ['show 1 --tga x', /^unknown option --tga; show takes no --tag; usage: show <id> \[--json\]$/],
    ['show 1 --jsn', /^unknown option --jsn; did you mean --json\?$/],
    ['fodlers --foldr x', /^unknown option --foldr; did you mean --folder\?$/],
    ['add x --body -dash', /^--body needs a value; one that starts with - is written --body=-dash$/],
    ["add x --body '-two words'", /^--body needs a value; one that starts with - is written --body="-two words"$/],
    ['notes --json=yes', /^--json takes no value$/],
    ['add x --folder', /^--folder needs a value, e.g. --folder "some text"$/],
    ['notes --tag --json', /^--tag needs a value, e.g. --tag "some text"$/],
    ['search milk --folder -- x', /^--folder needs a value, e.g. --folder "some text"$/],
    ['add "unterminated', /^unbalanced quotes/],
    ["add 'also unterminated", /^unbalanced quotes/],
    ['add "ends in a backslash\\', /^unbalanced quotes/],
  ])('refuses %j with a usage error', (line, message) => {
    expect(() => parseLine(line)).toThrow(UsageError);
    expect(() => parseLine(line)).toThrow(message);
  });
});

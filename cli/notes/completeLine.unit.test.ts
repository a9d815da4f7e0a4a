import { describe, expect, it } from '@jest/globals';
import { COMMANDS } from './commands.js';
import { completeLine } from './completeLine.js';

describe('completeLine (Tab at the prompt)', () => {
  it.each([
    ['fol', ['folder', 'folders'], 'fol'],
    ['folder', ['folder', 'folders'], 'folder'],
    ['ba', ['backup', 'backups'], 'ba'],
    ['  e', ['edit', 'exit'], 'e'],
    ['', [...new Set(COMMANDS.map((command) => command.name.split(' ')[0]!))].sort(), ''],
    ['folder ', ['add', 'rename', 'rm'], ''],
    ['folder r', ['rename', 'rm'], 'r'],
    ['help fo', ['folder', 'folders'], 'fo'],
    ['help folder a', ['add'], 'a'],
    ['add "Buy milk" --f', ['--folder'], '--f'],
    ['add x --', ['--body', '--folder', '--help', '--json'], '--'],
    ['edit 3 --s', ['--status'], '--s'],
    ['folder add home --', ['--help', '--json'], '--'],
    ['rm 3 --', ['--help'], '--'],
    ['xyz --', [], '--'],
    ['add Milk', [], 'Milk'],
    ['tag 3 ur', [], 'ur'],
    ['zz', [], 'zz'],
  ])('%j → %j', (line, completions, word) => {
    expect(completeLine(COMMANDS, line)).toEqual([completions, word]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../UsageError.js';
import { COMMANDS } from './commands.js';
import { findCommand, subcommands } from './findCommand.js';

describe('findCommand', () => {
  it.each([
    [['folders'], 'folders', []],
    [['folder', 'add', 'home/x'], 'folder add', ['home/x']],
    [['folder', 'rename', 'a', 'b'], 'folder rename', ['a', 'b']],
    [['tag', '1', 'a', 'b'], 'tag', ['1', 'a', 'b']],
    [['help', 'folder', 'add'], 'help', ['folder', 'add']],
    [['exit', 'now'], 'exit', ['now']],
  ])('finds %j', (words, name, args) => {
    const found = findCommand(COMMANDS, words);

    expect([found.command.name, found.args]).toEqual([name, args]);
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"; help lists the commands'],
    [['fodlers'], 'unknown command "fodlers"; did you mean folders? (help lists the commands)'],
    [['Exit'], 'unknown command "Exit"; did you mean exit? (help lists the commands)'],
    [['QUIT', 'now'], 'unknown command "QUIT"; did you mean quit? (help lists the commands)'],
    [['nots', '--tag', 'x'], 'unknown command "nots"; did you mean notes? (help lists the commands)'],
    [['tga', '1', 'x'], 'unknown command "tga"; did you mean tag? (help lists the commands)'],
    [['folder'], 'folder takes add, rename or rm; e.g. folder add home/groceries'],
    [['folder', 'move', 'a'], 'folder takes add, rename or rm; e.g. folder add home/groceries'],
    [['folder', 'ad', 'a'], 'folder takes add, rename or rm; did you mean folder add?'],
    [['folder', 'RM', 'a'], 'folder takes add, rename or rm; did you mean folder rm?'],
  ])('refuses %j', (words, message) => {
    expect(() => findCommand(COMMANDS, words)).toThrow(new UsageError(message));
  });

  it('lists the sub-commands of a group from the table', () => {
    expect(subcommands(COMMANDS, 'folder')).toEqual(['add', 'rename', 'rm']);
    expect(subcommands(COMMANDS, 'notes')).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../UsageError.js';
import { ApiClient } from './ApiClient.js';
import { findCommand, runCommand } from './runCommand.js';
import { Output } from './Output.js';

describe('findCommand', () => {
  it.each([
    [['folders'], 'folders', []],
    [['folder', 'add', 'home/x'], 'folder add', ['home/x']],
    [['folder', 'rename', 'a', 'b'], 'folder rename', ['a', 'b']],
    [['tag', '1', 'a', 'b'], 'tag', ['1', 'a', 'b']],
    [['move', '1', '2'], 'move', ['1', '2']],
  ])('finds %j', (words, name, args) => {
    const found = findCommand(words);
    expect([found.command.name, found.args]).toEqual([name, args]);
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"; help lists the commands'],
    [['folder', 'move', 'a'], 'folder takes add, rename or rm; e.g. folder add home'],
  ])('refuses %j', (words, message) => {
    expect(() => findCommand(words)).toThrow(new UsageError(message));
  });
});

describe('runCommand checks the command line before calling the API (stand-in client: it must not be reached)', () => {
  const unreachable = new ApiClient({
    baseUrl: 'http://127.0.0.1:9',
    fetch: () => Promise.reject(new Error('the API must not be called')),
  });
  const context = { api: unreachable, output: new Output(process.stdout, process.stderr), backupTimeoutMs: 1000 };

  it.each([
    [['add'], {}, 'usage: add <title>'],
    [['show', '1', '2'], {}, 'usage: show <id>'],
    [['show', 'abc'], {}, '"abc" is not a note id (a positive number; notes lists them)'],
    [['rm', '0'], {}, '"0" is not a note id (a positive number; notes lists them)'],
    [['add', 'x'], { tag: 'y' }, 'add does not take --tag; usage: add <title>'],
    [['edit', '3'], {}, 'edit needs at least one of --title, --body, --status, --folder'],
    [['folder', 'add', '/'], {}, 'a folder path needs at least one name, e.g. home or home/groceries'],
    [['tag', '1', ''], {}, 'a tag cannot be empty'],
    [['untag', '1', 'a', ' '], {}, 'a tag cannot be empty'],
    [['move', '1', '2'], {}, 'move needs --folder <path> (or --folder / for no folder), e.g. move 12 13 --folder home'],
    [['move', '1', 'x'], { folder: 'home' }, '"x" is not a note id (a positive number; notes lists them)'],
    [['move'], { folder: 'home' }, 'usage: move <id>… --folder <path>'],
    [['folder', 'rm', '/'], {}, 'folder rm takes a folder, e.g. folder rm home/old'],
  ])('refuses %j %j', async (words, flags, message) => {
    await expect(runCommand(context, words, flags)).rejects.toThrow(new UsageError(message));
  });
});

import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { UsageError } from '../UsageError.js';
import { ApiClient } from './ApiClient.js';
import type { LineFlags } from './Command.js';
import { parseLine } from './parseLine.js';
import { runCommand } from './runCommand.js';
import { Output } from './Output.js';

describe('runCommand checks the command line before calling the API (stand-in client: it must not be reached)', () => {
  const unreachable = new ApiClient({
    baseUrl: 'http://127.0.0.1:9',
    fetch: () => Promise.reject(new Error('the API must not be called')),
  });
  const printed: string[] = [];
  const out = new Writable({
    write(chunk, _encoding, done) {
      printed.push(String(chunk));
      done();
    },
  });
  const context = (commandPrefix?: string) => ({
    api: unreachable,
    output: new Output(out, process.stderr),
    backupTimeoutMs: 1000,
    commandPrefix,
  });

  it.each<[string[], LineFlags, string | undefined, string]>([
    [['add'], {}, undefined, 'usage: add <title> [--body <text>] [--folder <path>] [--json]'],
    [['add'], {}, 'notes ', 'usage: notes add <title> [--body <text>] [--folder <path>] [--json]'],
    [['show', '1', '2'], {}, undefined, 'usage: show <id> [--json]'],
    [['show', 'abc'], {}, undefined, '"abc" is not a note id (a positive number; notes lists them)'],
    [['rm', '0'], {}, undefined, '"0" is not a note id (a positive number; notes lists them)'],
    [['add', 'x'], { tag: 'y' }, undefined, 'add does not take --tag; usage: add <title> [--body <text>] [--folder <path>] [--json]'],
    [['show', '1'], { folder: 'x' }, undefined, 'show does not take --folder; usage: show <id> [--json]'],
    [['rm', '1'], { json: true }, 'notes ', 'rm does not take --json; usage: notes rm <id>'],
    [['edit', '3'], {}, undefined, 'edit needs at least one of --title, --body, --status, --folder'],
    [['folder', 'add', '/'], {}, undefined, 'a folder path needs at least one name, e.g. home or home/groceries'],
    [['tag', '1', ''], {}, undefined, 'a tag cannot be empty'],
    [['untag', '1', 'a', ' '], {}, undefined, 'a tag cannot be empty'],
    [['move', '1', '2'], {}, undefined, 'move needs --folder <path> (or --folder / for no folder), e.g. move 12 13 --folder home'],
    [['move', '1', 'x'], { folder: 'home' }, undefined, '"x" is not a note id (a positive number; notes lists them)'],
    [['move'], { folder: 'home' }, undefined, 'usage: move <id>… --folder <path> [--json]'],
    [['folder', 'rm', '/'], {}, undefined, 'folder rm takes a folder, e.g. folder rm home/old'],
    [['exit', 'now'], {}, undefined, 'exit takes no arguments'],
    [['quit', 'now', 'please'], {}, undefined, 'quit takes no arguments'],
    [['folders', 'home'], {}, undefined, 'folders takes no arguments'],
    [['exit'], {}, 'notes ', 'exit and quit leave the interactive app: type exit alone at its notes> prompt'],
    [['exit', 'now'], {}, 'notes ', 'exit and quit leave the interactive app: type exit alone at its notes> prompt'],
    [['quit'], { json: true }, 'notes ', 'exit and quit leave the interactive app: type exit alone at its notes> prompt'],
    [['help', 'a', 'b', 'c'], {}, undefined, 'usage: help [<command>]'],
    [
      ['add', 'Shopping', 'list'],
      { folder: 'home' },
      undefined,
      'a title of several words needs quotes: add "Shopping list" --folder home',
    ],
    [['add', 'Shopping', 'list'], {}, 'notes ', 'a title of several words needs quotes: notes add "Shopping list"'],
    [
      ['add', 'Shopping', 'list'],
      { tag: 'x' },
      undefined,
      'add does not take --tag; usage: add <title> [--body <text>] [--folder <path>] [--json]',
    ],
    [['fodlers'], {}, undefined, 'unknown command "fodlers"; did you mean folders? (help lists the commands)'],
    [['fodlers'], { help: true }, undefined, 'unknown command "fodlers"; did you mean folders? (help lists the commands)'],
  ])('refuses %j %j (prefix %j)', async (words, flags, commandPrefix, message) => {
    await expect(runCommand(context(commandPrefix), words, flags)).rejects.toThrow(new UsageError(message));
  });

  it.each([
    ['add Groceries --body milk eggs', 'a body of several words needs quotes: add Groceries --body "milk eggs"'],
    ['add Groceries --body=milk eggs --json', 'a body of several words needs quotes: add Groceries --body "milk eggs" --json'],
    ['edit 1 --title New title', 'a title of several words needs quotes: edit 1 --title "New title"'],
    ['edit 1 --body a b --title c d', 'a body of several words needs quotes: edit 1 --body "a b" --title "c d"'],
    ['add Shopping list --body milk eggs', 'a title of several words needs quotes: add "Shopping list" --body "milk eggs"'],
    ['add x --folder home extra', 'a title of several words needs quotes: add "x extra" --folder home'],
    ['add --body a b c', 'a title of several words needs quotes: add "b c" --body a'],
    [
      'edit 1 2 --title a b',
      'usage: edit <id> [--title <text>] [--body <text>] [--status draft|active|archived] [--folder <path>] [--json]',
    ],
    [
      'edit 1 --title a -- b',
      'usage: edit <id> [--title <text>] [--body <text>] [--status draft|active|archived] [--folder <path>] [--json]',
    ],
  ])('refuses the typed line %j, quoting the words that followed a text flag into its value', async (line, message) => {
    const { words, flags, owners } = parseLine(line);

    await expect(runCommand(context(), words, flags, owners)).rejects.toThrow(new UsageError(message));
  });

  it.each<[string[], LineFlags, string]>([
    [['help'], {}, 'Commands:\n  folders '],
    [[], { help: true }, 'Commands:\n  folders '],
    [['help', 'add'], {}, 'usage: add <title> '],
    [['add'], { help: true }, 'usage: add <title> '],
    [['add', 'x', 'y'], { help: true, tag: 'ignored' }, 'usage: add <title> '],
    [['help', 'folder'], {}, 'folder commands:\n'],
    [['folder'], { help: true }, 'folder commands:\n'],
    [['folder', 'rm'], { help: true }, 'usage: folder rm <path>\n'],
  ])('prints the help for %j %j', async (words, flags, start) => {
    printed.length = 0;

    await runCommand(context(), words, flags);

    expect(printed.join('').startsWith(start)).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../UsageError.js';
import { COMMANDS } from './commands.js';
import { findCommand } from './findCommand.js';
import { FLAG_HELP } from './flagHelp.js';
import { helpText } from './helpText.js';
import { parseLine } from './parseLine.js';

describe('helpText', () => {
  it.each([
    [
      'one command at the prompt',
      ['add'],
      '',
      [
        'usage: add <title> [--body <text>] [--folder <path>] [--json]',
        'add a note; a title or body of several words goes in quotes',
        "  --body <text>    the note's text",
        '  --folder <path>  a folder by its path, e.g. home/groceries',
        '  --json           print JSON instead of text',
        'example: add "Buy milk" --folder home --body "two litres"',
      ],
    ],
    [
      'a two-word command in a shell',
      ['folder', 'add', 'ignored'],
      'notes ',
      [
        'usage: notes folder add <path> [--json]',
        'create a folder, e.g. home/groceries (its parent must exist)',
        '  --json  print JSON instead of text',
        'example: notes folder add home/groceries',
      ],
    ],
    ['a command without flags', ['rm'], '', ['usage: rm <id>', 'remove a note', 'example: rm 12']],
    [
      'a command of the prompt only, also asked in a shell',
      ['quit'],
      'notes ',
      ['usage: quit', 'back up the database and leave the app (at the notes> prompt; also exit, Ctrl-D, Ctrl-C)', 'example: quit'],
    ],
    [
      'the folder commands',
      ['folder'],
      '',
      [
        'folder commands:',
        '  folder add <path>                create a folder, e.g. home/groceries (its parent must exist)',
        '  folder rename <path> <new-name>  rename a folder',
        '  folder rm <path>                 remove a folder and its subfolders (their notes stay, without a folder)',
        'help folder add shows how to use one',
      ],
    ],
  ])('%s: %j', (_what, words, prefix, lines) => {
    expect(helpText(COMMANDS, words, prefix).split('\n')).toEqual(lines);
  });

  it.each([
    ['', 'help <command> shows how to use one'],
    ['notes ', 'notes help <command> shows how to use one; notes --help lists the options'],
  ])('lists every command, one line each, then how to see one (prefix %j)', (prefix, last) => {
    const lines = helpText(COMMANDS, [], prefix).split('\n');

    expect(lines[0]).toBe('Commands:');
    expect(lines.slice(1, -1).map((line) => line.trim().split(/ {2,}/))).toEqual(
      COMMANDS.map((command) => [[command.name, command.args].filter(Boolean).join(' '), command.summary]),
    );
    expect(lines.at(-1)).toBe(last);
  });

  it.each([
    [['fodlers'], 'unknown command "fodlers"; did you mean folders? (help lists the commands)'],
    [['folder', 'ad'], 'folder takes add, rename or rm; did you mean folder add?'],
  ])('refuses %j, suggesting the closest', (words, message) => {
    expect(() => helpText(COMMANDS, words)).toThrow(new UsageError(message));
  });
});

describe.each(COMMANDS.map((command) => [command.name, command] as const))('the row of %s', (name, command) => {
  it('has a summary, and an example that names it and that its checks accept', () => {
    const { words, flags } = parseLine(command.example);
    const { command: named, args } = findCommand(COMMANDS, words);

    expect(command.summary).not.toBe('');
    expect(named.name).toBe(name);
    expect(args.length).toBeGreaterThanOrEqual(command.minArgs);
    expect(args.length).toBeLessThanOrEqual(command.maxArgs);
    expect(Object.keys(flags).filter((flag) => !(command.flags as string[]).includes(flag))).toEqual([]);
  });

  it('has help: its usage first, a line for each of its flags that says what it means, its example last', () => {
    const lines = helpText(COMMANDS, name.split(' ')).split('\n');

    expect(lines[0]).toMatch(new RegExp(`^usage: ${name}( |$)`));
    for (const flag of command.flags) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}--${flag}\\b.* {2}\\S`)));
    for (const flag of command.flags) expect(FLAG_HELP[flag]?.meaning).toBeTruthy();
    expect(lines.at(-1)).toBe(`example: ${command.example}`);
  });
});

import { describe, expect, it } from '@jest/globals';
import { optionHint } from './optionHint.js';
import { optionContext } from './notes/optionContext.js';

const OPTIONS = ['api-url', 'token', 'folder', 'tag', 'body', 'json', 'help'];

describe('optionHint suggests only an option the command takes', () => {
  it.each([
    ['foldr', ['folders'], '; folders takes no --folder; usage: notes folders [--json]'],
    ['tga', ['show', '1'], '; show takes no --tag; usage: notes show <id> [--json]'],
    ['foldr', ['add', 'x'], '; did you mean --folder?'],
    ['jsn', ['show', '1'], '; did you mean --json?'],
    ['tokn', ['folders'], '; did you mean --token?'],
    ['foldr', ['nosuchcommand'], '; did you mean --folder?'],
    ['foldr', [], '; did you mean --folder?'],
    ['colour', ['add', 'x'], undefined],
  ])('--%s after %j', (typed, words, hint) => {
    expect(optionHint(typed, OPTIONS, optionContext(words, 'notes '))).toBe(hint);
  });

  it('never suggests an option the command refuses (every command, every option misspelt by one letter)', () => {
    for (const command of ['folders', 'show 1', 'add x', 'search x', 'tag 1 a', 'backups', 'move 1']) {
      const context = optionContext(command.split(' '))!;
      for (const option of OPTIONS) {
        const hint = optionHint(`${option}x`, OPTIONS, context);
        const suggested = /did you mean --([a-z-]+)/.exec(hint ?? '')?.[1];
        if (suggested !== undefined) expect(context.notTaken).not.toContain(suggested);
      }
    }
  });
});

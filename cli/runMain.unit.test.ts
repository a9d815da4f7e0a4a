import { describe, expect, it } from '@jest/globals';
import { runMain } from './runMain.js';
import { InterruptedError } from './InterruptedError.js';
import { UsageError } from './UsageError.js';
import { DecryptionError } from '../functions/backup/encryption/DecryptionError.js';

describe('runMain prints the one error line with its control characters shown, not sent', () => {
  it.each([
    [new Error('no folder "evil\u001b[2Jdir" (folders lists them)'), {}, ['notes: no folder "evil␛[2Jdir" (folders lists them)'], 1],
    [new UsageError('unknown command "\u001b]0;x\u0007"'), {}, ['notes: unknown command "␛]0;x␇"'], 2],
    [{ message: 'a\nb\u009bc' }, {}, ['notes: a␊b�c'], 1],
    [
      new DecryptionError('WRONG_IDENTITY', 'x.sql.age: no identity in key.txt opens it'),
      {},
      ['notes: x.sql.age: no identity in key.txt opens it'],
      1,
    ],
    [new InterruptedError('SIGINT', 'restore interrupted (SIGINT)'), {}, ['notes: restore interrupted (SIGINT)'], 130],
    [new InterruptedError('SIGTERM', 'restore interrupted (SIGTERM)'), {}, ['notes: restore interrupted (SIGTERM)'], 143],
  ])('%j', async (error, env, lines, status) => {
    const printed: string[] = [];
    let exited: number | undefined;

    await runMain('notes', async () => Promise.reject(error), {
      printError: (line) => printed.push(line),
      exit: (s) => void (exited = s),
      env,
    });

    expect({ printed, exited }).toEqual({ printed: lines, exited: status });
  });

  it('with DEBUG, the stack keeps its lines and shows the rest', async () => {
    const printed: string[] = [];
    const error = new Error('x');
    error.stack = 'Error: x\u001b[2J\n    at here';

    await runMain('notes', async () => Promise.reject(error), {
      printError: (line) => printed.push(line),
      exit: () => undefined,
      env: { DEBUG: '1' },
    });

    expect(printed).toEqual(['notes: x', 'Error: x␛[2J\n    at here']);
  });
});

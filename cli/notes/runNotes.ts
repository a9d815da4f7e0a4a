import { UsageError } from '../UsageError.js';
import { ApiClient } from './ApiClient.js';
import type { CommandFlags } from './Command.js';
import { backUpNow } from './commands.js';
import { runCommand } from './runCommand.js';
import { interactiveSession } from './interactiveSession.js';
import type { Output } from './Output.js';
import type { TextFlag } from './textFlagOwners.js';

export interface NotesOptions {
  apiUrl: string;
  token?: string;
  apiKey?: string;
  /** true: back up after a one-shot command; false: not even when leaving the session; undefined: the defaults. */
  backup?: boolean;
  backupTimeoutSeconds: number;
  /** Cancels the exit backup itself (`npm start`: the API runs in this process). */
  cancelBackup?: () => void;
}

/**
 * Runs the notes app: the interactive session when `words` is empty (resolves once the user has
 * left and the exit backup is done), else one command. Returns the exit status. `owners`: which
 * words followed a text flag's value (textFlagOwners), for the quotes hint.
 */
export async function runNotes(
  words: string[],
  flags: CommandFlags,
  options: NotesOptions,
  io: { input: NodeJS.ReadableStream & { isTTY?: boolean }; output: Output },
  owners: readonly (TextFlag | undefined)[] = [],
): Promise<number> {
  const context = {
    api: new ApiClient({ baseUrl: checkApiUrl(options.apiUrl), token: options.token || undefined, apiKey: options.apiKey || undefined }),
    output: io.output,
    backupTimeoutMs: checkTimeout(options.backupTimeoutSeconds) * 1000,
    commandPrefix: words.length === 0 ? '' : 'notes ',
  };
  if (words.length === 0) {
    if (Object.values(flags).some((value) => value !== undefined && value !== false)) {
      throw new UsageError('command flags such as --folder go with a command, e.g. notes add "Milk" --folder home');
    }
    await interactiveSession(context, { input: io.input, backupOnExit: options.backup !== false, cancelBackup: options.cancelBackup });
    return 0;
  }
  await runCommand(context, words, flags, owners);
  if (options.backup === true) await backUpNow(context);
  return 0;
}

function checkApiUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return text;
  } catch {
    // falls through to the usage error
  }
  throw new UsageError(`--api-url (API_URL) must be an http(s) URL such as http://localhost:3000 (got "${text}")`);
}

/** `--backup-timeout`: more than 0 and at most 3600 seconds; a UsageError otherwise. */
export function checkTimeout(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`--backup-timeout must be a number of seconds above 0 and at most 3600 (got ${seconds})`);
  }
  return seconds;
}

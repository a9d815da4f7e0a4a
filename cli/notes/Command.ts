import type { ApiClient } from './ApiClient.js';
import type { Output } from './Output.js';
import type { BackupOutcome } from './takeBackup.js';

/** The flags commands take; the same set in one-shot and interactive use. */
export interface CommandFlags {
  folder?: string;
  tag?: string;
  body?: string;
  title?: string;
  status?: string;
  /** `search`: at most this many notes, 1 to 100 (checked by the command: flags are strings). */
  limit?: string;
  json?: boolean;
  all?: boolean;
}

export const COMMAND_FLAG_TYPES = {
  folder: 'string',
  tag: 'string',
  body: 'string',
  title: 'string',
  status: 'string',
  limit: 'string',
  json: 'boolean',
  all: 'boolean',
} as const satisfies Record<keyof CommandFlags, 'string' | 'boolean'>;

export interface CommandContext {
  api: ApiClient;
  output: Output;
  backupTimeoutMs: number;
  /** A `backup` command under way: leaving waits for it instead of taking a second backup. */
  backupUnderWay?: Promise<BackupOutcome>;
}

export interface Command {
  /** One or two words: `notes`, `folder add`. */
  name: string;
  args: string;
  summary: string;
  /** One line as a user would type it, shown by `help <command>`. */
  example: string;
  flags: (keyof CommandFlags)[];
  minArgs: number;
  maxArgs: number;
  run(context: CommandContext, args: string[], flags: CommandFlags): Promise<void>;
}

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
  /** What a command line starts with where the user types it: `notes ` in a shell, nothing at the prompt. */
  commandPrefix?: string;
}

/** The flags of a typed line: a command's flags, and `--help`, which asks for the command's help instead. */
export type LineFlags = CommandFlags & { help?: boolean };

export interface Command {
  /** One or two words: `notes`, `folder add`. */
  name: string;
  args: string;
  summary: string;
  /** One line as a user would type it, shown by `help <command>`. */
  example: string;
  /** What `help <command>` says instead of the summary, when the summary is not enough. */
  help?: string;
  /**
   * The last argument is free text (a title): words beyond maxArgs are a title typed without quotes,
   * and the usage error shows the line with them quoted.
   */
  freeTextArg?: boolean;
  /** Typed at the notes> prompt only (exit, quit): its help shows it without the `notes ` of a shell. */
  promptOnly?: boolean;
  flags: (keyof CommandFlags)[];
  /** Flags of `flags` the command cannot do without (`move`'s `--folder`): usage lines show them without brackets. */
  requiredFlags?: (keyof CommandFlags)[];
  minArgs: number;
  maxArgs: number;
  run(context: CommandContext, args: string[], flags: CommandFlags): Promise<void>;
}

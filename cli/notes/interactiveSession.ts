import { createInterface } from 'node:readline';
import type { CommandContext } from './Command.js';
import { COMMANDS } from './commands.js';
import { completeLine } from './completeLine.js';
import { runCommand } from './runCommand.js';
import { parseLine } from './parseLine.js';
import { takeBackup } from './takeBackup.js';

export interface SessionOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Take a backup when the user leaves (`--no-backup` turns it off). */
  backupOnExit: boolean;
  /** Where leaving is announced from: the process, or a test's stand-in emitter. */
  signals?: NodeJS.EventEmitter;
  /**
   * Cancels the exit backup itself (`npm start`, where the API runs in this process): a second Ctrl-C
   * or the timeout then cancels it cleanly instead of walking away from it.
   */
  cancelBackup?: () => void;
  /** A monotonic clock in ms (`performance.now()` by default): tells one key press delivered twice from a second one. */
  now?: () => number;
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs the interactive notes prompt until the user leaves — `exit`, `quit`, end of input (Ctrl-D, or
 * the terminal closed), Ctrl-C, SIGTERM or SIGHUP — then takes the backup exactly once and resolves.
 * A second Ctrl-C while the backup runs stops waiting for it. Never rejects: leaving must always work.
 */
export function interactiveSession(context: CommandContext, options: SessionOptions): Promise<void> {
  const { output } = context;
  const tty = Boolean(options.input.isTTY);
  const signals = options.signals ?? process;
  const clock = options.now ?? (() => performance.now());
  const rl = createInterface({
    input: options.input,
    output: output.out,
    terminal: tty,
    prompt: 'notes> ',
    historySize: 200,
    completer: (line: string) => completeLine(COMMANDS, line),
  });
  const abortWait = new AbortController();
  let commands: Promise<void> = Promise.resolve();
  /** Lines typed and not yet done: while there are any, the prompt comes back after the last. */
  let linesPending = 0;
  /** running → finishing (the commands typed before Ctrl-D) → backing up → done. */
  let phase: 'running' | 'finishing' | 'backing up' | 'done' = 'running';
  /** When the last Ctrl-C or signal came: one key press can arrive twice (the terminal's SIGINT, and npm's copy of it). */
  let lastLeaveAt = Number.NEGATIVE_INFINITY;
  /** Set by exit, quit and signals: the commands still queued are dropped. End of input lets them finish. */
  let stopped = false;
  let skipCommands!: () => void;
  const commandsSkipped = new Promise<void>((resolve) => (skipCommands = resolve));
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));

  const prompt = () => {
    if (tty && phase === 'running' && output.interactive) rl.prompt();
  };

  /**
   * Leaving, however it was asked for. Later requests while leaving: a signal or Ctrl-C stops waiting
   * for the commands still running (the backup follows at once); a Ctrl-C while the backup runs stops
   * waiting for it — unless it comes within half a second of the last one, when it is the same key
   * press delivered twice (npm forwards the terminal's SIGINT), or part of one burst of signals.
   */
  const leave = (how: string, afterCommands: boolean) => {
    const now = clock();
    const bySignal = how === 'Ctrl-C' || (EXIT_SIGNALS as readonly string[]).includes(how);
    const sameKeyPress = now - lastLeaveAt < 500;
    if (bySignal) lastLeaveAt = now;
    // A terminal that is gone will deliver nothing more worth waiting for.
    if (!afterCommands || context.output.terminalGone) stopped = true;
    if (phase === 'finishing' && how !== 'end of input') {
      stopped = true;
      skipCommands();
      return;
    }
    if (phase === 'backing up' && (how === 'SIGINT' || how === 'Ctrl-C') && !sameKeyPress) abortWait.abort();
    if (phase !== 'running') return;
    phase = 'finishing';
    void (async () => {
      rl.close();
      if (!stopped) await Promise.race([commands, commandsSkipped]);
      phase = 'backing up';
      if (options.backupOnExit) {
        // A `backup` command already under way is this session's backup: it covers every change made.
        const underWay = context.backupUnderWay ? await context.backupUnderWay : undefined;
        // Its command prints its own line; the commands queued after it were dropped.
        if (underWay) await commands;
        if (!underWay?.written) {
          const outcome = await takeBackup(context.api, output, {
            timeoutMs: context.backupTimeoutMs,
            stop: abortWait.signal,
            cancel: options.cancelBackup,
          });
          if (outcome.written) output.print(outcome.line);
          if (outcome.warning) output.warn(outcome.warning);
        }
      } else {
        output.note('Leaving without a backup (--no-backup).');
      }
      phase = 'done';
      for (const signal of EXIT_SIGNALS) signals.removeListener(signal, onSignal[signal]);
      finished();
    })();
  };

  const onSignal = Object.fromEntries(EXIT_SIGNALS.map((signal) => [signal, () => leave(signal, false)])) as Record<
    (typeof EXIT_SIGNALS)[number],
    () => void
  >;
  for (const signal of EXIT_SIGNALS) signals.on(signal, onSignal[signal]);

  // A terminal that goes away fails the reads (EIO) and readline's attempt to restore the terminal
  // mode; end of input follows, which leaves. Those errors must not crash the way out.
  rl.on('error', () => undefined);
  // Ctrl-Z would stop the app but not the npm that runs it, and the shell would wait on both: say so instead.
  // (readline reports Ctrl-Z on a terminal only.) The message goes on a line of its own, then the prompt
  // comes back with what was typed on it, unless a command is still running: its end brings the prompt.
  rl.on('SIGTSTP', () => {
    output.note('');
    output.error('Ctrl-Z (suspend) is not supported here; leave with exit (your notes are backed up then)');
    if (phase === 'running' && output.interactive && linesPending === 0) rl.prompt(true);
  });
  rl.on('SIGINT', () => {
    if (tty) output.note('');
    leave('Ctrl-C', false);
  });
  rl.on('close', () => leave('end of input', true));
  rl.on('line', (line) => {
    if (stopped) return;
    linesPending += 1;
    commands = commands.then(async () => {
      try {
        if (stopped) return;
        const trimmed = line.trim();
        if (trimmed === 'exit' || trimmed === 'quit') return leave(trimmed, false);
        if (trimmed !== '') await runLine(context, trimmed);
        prompt();
      } finally {
        linesPending -= 1;
      }
    });
  });

  if (tty)
    output.print(
      `notes · ${context.api.baseUrl} · type help for the commands, exit to leave${options.backupOnExit ? ' (a backup is taken when you leave)' : ''}`,
    );
  prompt();
  return done;
}

/** Runs one line; a failure is printed as one `error:` line and the session goes on. */
async function runLine(context: CommandContext, line: string): Promise<void> {
  try {
    const { words, flags, owners } = parseLine(line);
    await runCommand(context, words, flags, owners);
  } catch (error) {
    context.output.error((error as Error).message);
  }
}

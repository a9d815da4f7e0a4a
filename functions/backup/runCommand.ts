import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the child's stdout goes: a file descriptor (the child writes straight to it) or a stream; captured when absent. */
  stdout?: number | NodeJS.WritableStream;
  /** Stop the child after this long: SIGTERM, then SIGKILL after `killGraceMs`. */
  timeoutMs?: number;
  killGraceMs?: number;
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Captured stdout (empty when it went to a descriptor or stream); at most 64 KiB. */
  stdout: string;
  /** Captured stderr, at most its last 64 KiB. */
  stderr: string;
  timedOut: boolean;
}

/** Runs a command to completion. Rejects only when it cannot start (e.g. ENOENT); a failing command resolves. */
export type CommandRunner = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

const CAPTURE_LIMIT = 64 * 1024;

/**
 * The production runner: `child_process.spawn` without a shell. Output to a descriptor never passes
 * through Node; output to a stream is piped with backpressure, so memory stays flat either way.
 */
export const runCommand: CommandRunner = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const toFd = typeof options.stdout === 'number' ? options.stdout : undefined;
    const toStream = typeof options.stdout === 'object' ? options.stdout : undefined;
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', toFd ?? 'pipe', 'pipe'],
    });
    const piped = toStream ? pipeline(child.stdout!, toStream) : Promise.resolve();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    if (!toFd && !toStream) {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        if (stdout.length < CAPTURE_LIMIT) stdout += chunk.slice(0, CAPTURE_LIMIT - stdout.length);
      });
    }
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-CAPTURE_LIMIT);
    });
    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          timers.push(setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 5_000));
        }, options.timeoutMs),
      );
    }
    child.on('error', (error) => {
      timers.forEach(clearTimeout);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      timers.forEach(clearTimeout);
      // A killed child still ends its stream "successfully": the exit code and signal are what count.
      piped.then(
        () => resolve({ exitCode, signal, stdout, stderr, timedOut }),
        (error: unknown) => (exitCode === 0 && !signal ? reject(error) : resolve({ exitCode, signal, stdout, stderr, timedOut })),
      );
    });
  });

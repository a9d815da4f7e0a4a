import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** A file descriptor for the child's stdout (the child writes straight to it); captured when absent. */
  stdoutFd?: number;
  /**
   * A stream the child's stdout is piped into (with backpressure: a slow reader slows the child) and
   * ended when the child closes its stdout. When the stream fails, the child is stopped and the
   * result carries `outputError`.
   */
  stdout?: Writable;
  /** Stop the child after this long: SIGTERM, then SIGKILL after `killGraceMs`. */
  timeoutMs?: number;
  /** Stop the child the same way when this aborts. */
  signal?: AbortSignal;
  killGraceMs?: number;
  /**
   * The child lives and dies with this process alone: it runs in a session of its own (so a closed
   * terminal's SIGHUP or a Ctrl-C's SIGINT meant for the app never reaches it: the app decides), and
   * it gets SIGTERM when this process dies, however it dies (Linux: started through
   * `setpriv --pdeathsig`, which then execs the command, so the pid stays the command's).
   */
  dieWithParent?: boolean;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Captured stdout (empty when it went to `stdoutFd` or `stdout`); at most 64 KiB. */
  stdout: string;
  /** Captured stderr, at most its last 64 KiB. */
  stderr: string;
  timedOut: boolean;
  /** It was stopped because `signal` aborted. */
  cancelled: boolean;
  /** Why the `stdout` stream failed, if it did (the child was then stopped). */
  outputError?: Error;
}

/** Runs a command to completion. Rejects only when it cannot start (e.g. ENOENT); a failing command resolves. */
export type ProcessRunner = (command: string, args: readonly string[], options?: RunOptions) => Promise<ProcessResult>;

const CAPTURE_LIMIT = 64 * 1024;

/** util-linux's setpriv, where there is one (every Debian and Ubuntu system: util-linux is essential). */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/** The production runner: `child_process.spawn` without a shell; output to a descriptor never passes through Node. */
export const runProcess: ProcessRunner = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const [file, argv] = options.dieWithParent && SETPRIV ? [SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args]] : [command, args];
    const child = spawn(file, argv, {
      detached: options.dieWithParent ?? false,
      env: options.env ?? process.env,
      stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let cancelled = false;
    const timers: NodeJS.Timeout[] = [];
    let exited = false;
    const stop = () => {
      if (exited) return;
      child.kill('SIGTERM');
      timers.push(setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 5_000));
    };
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    // Settles with the stream's error instead of rejecting: the child's exit is what settles the run.
    const piped: Promise<Error | undefined> = options.stdout
      ? pipeline(child.stdout!, options.stdout).then(
          () => undefined,
          (error: unknown) => {
            stop();
            return error as Error;
          },
        )
      : Promise.resolve(undefined);
    if (!options.stdout) {
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
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
          stop();
        }, options.timeoutMs),
      );
    }
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      exited = true;
      settle();
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      exited = true;
      // Resolved once the stream took (or refused) the last of the output, so the caller's stream is done too.
      void piped.then((outputError) => {
        settle();
        resolve({ exitCode, signal, stdout, stderr, timedOut, cancelled, ...(outputError ? { outputError } : {}) });
      });
    });
  });

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './apiProcess.js';

export interface CliRun {
  child: ChildProcess;
  /** Resolves once stdout (or stderr) has matched `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited, with everything it printed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;
  write(text: string): void;
}

/**
 * Starts a built command line (the `notes` binary, dist/cli/notes.js, unless `entry` names another)
 * as a child process; `pty` wraps it in `script` for a real terminal.
 */
export function startNotes(args: string[], env: NodeJS.ProcessEnv = {}, options: { pty?: boolean; entry?: string } = {}): CliRun {
  const command = [process.execPath, join(ROOT, options.entry ?? 'dist/cli/notes.js'), ...args];
  const started = performance.now();
  const child = options.pty
    ? spawn('script', ['-qfec', command.map(shellQuote).join(' '), '/dev/null'], { env: { ...process.env, ...env, TERM: 'xterm' } })
    : spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk;
    for (const check of listeners) check();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
    for (const check of listeners) check();
  });
  const exited = new Promise<Awaited<CliRun['exited']>>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started })),
  );
  return {
    child,
    exited,
    write: (text) => child.stdin!.write(text),
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

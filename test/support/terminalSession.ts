import pty from '@lydell/node-pty';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { ROOT } from './apiProcess.js';

export interface TerminalSession {
  /** The process started in the terminal: the session leader (npm, or node for a bare binary). */
  pid: number;
  /** Everything the terminal showed so far, without colours and cursor movements. */
  screen(): string;
  /** Everything the program wrote to the terminal so far, escape codes and all. */
  written(): string;
  /** Resolves once the terminal has shown something matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Types into the terminal: `\r` is Enter, `\x03` Ctrl-C, `\x04` Ctrl-D. */
  type(text: string): void;
  /** Closes the terminal, as closing its window does: the kernel hangs it up. */
  hangUp(): void;
  /** True once the terminal is hung up: the kernel removed its device (and sent SIGHUP to its session). */
  isHungUp(): boolean;
  /** Whether the terminal is in raw mode (a prompt reading key by key), as `stty` reads it. */
  inRawMode(): boolean;
  /** The session leader's end: its exit code, or the number of the signal that ended it. */
  exited: Promise<{ exitCode: number; signal: number }>;
  /** The pid of the app: the process npm started (`exec node …`), or the session leader when it runs the app itself. */
  appPid(): number;
  /** Resolves once no process of this terminal's session is left (rejects after `timeoutMs`). */
  allGone(timeoutMs?: number): Promise<void>;
}

/**
 * Runs a command in a real pseudo-terminal (node-pty), as a user's terminal window would: the command
 * leads a new session whose controlling terminal is the pty, so Ctrl-C, Ctrl-D, raw mode and the
 * hang-up on close all behave as they do for a person at a keyboard.
 */
export function openTerminal(command: string, args: string[], env: NodeJS.ProcessEnv): TerminalSession {
  const terminal = pty.spawn(command, args, { name: 'xterm-256color', cols: 120, rows: 40, cwd: ROOT, env: env as Record<string, string> });
  /** The terminal's device, /dev/pts/<n>. */
  const device = (terminal as unknown as { ptsName: string }).ptsName;
  let shown = '';
  const listeners = new Set<() => void>();
  terminal.onData((data) => {
    shown += data;
    for (const check of listeners) check();
  });
  const exited = new Promise<{ exitCode: number; signal: number }>((resolve) =>
    terminal.onExit(({ exitCode, signal }) => resolve({ exitCode, signal: signal ?? 0 })),
  );
  const screen = () => stripVTControlCharacters(shown).replace(/\r/g, '');
  const sessionProcesses = () => processesInSession(terminal.pid);
  return {
    pid: terminal.pid,
    screen,
    written: () => shown,
    exited,
    type: (text) => terminal.write(text),
    hangUp: () => (terminal as unknown as { destroy(): void }).destroy(),
    isHungUp: () => !existsSync(device),
    inRawMode: () => /(^|\s)-icanon(\s|$)/.test(execFileSync('stty', ['-F', device, '-a'], { encoding: 'utf8' })),
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(screen())) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`the terminal never showed ${pattern} within ${timeoutMs} ms; it shows:\n${screen()}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    appPid: () => sessionProcesses().find(({ ppid }) => ppid === terminal.pid)?.pid ?? terminal.pid,
    allGone: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (sessionProcesses().length > 0) {
        if (Date.now() > deadline) throw new Error(`still running after ${timeoutMs} ms: ${JSON.stringify(sessionProcesses())}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** The live (not zombie) processes whose session id is `sid`, read from /proc. */
function processesInSession(sid: number): { pid: number; ppid: number; cmdline: string }[] {
  const found: { pid: number; ppid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses.
      const [state, ppid, , session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(session) !== sid || state === 'Z') continue;
      found.push({
        pid: Number(entry),
        ppid: Number(ppid),
        cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

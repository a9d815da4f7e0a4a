import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';

const STDIO = [0, 1, 2] as const;

/**
 * The terminal this process was started on, which may go away while it runs: when its window is
 * closed, the kernel hangs the terminal up, every read and write on it fails with EIO, and it no
 * longer answers as a terminal (`isatty` turns false). Knowing that, the app stops writing to it
 * and exits without crashing.
 */
export class Terminal {
  private readonly startedOnTerminal: boolean[];

  private constructor() {
    this.startedOnTerminal = STDIO.map((fd) => isatty(fd));
  }

  /**
   * The process's own terminal. Failed reads and writes on stdin, stdout and stderr (a closed terminal,
   * a closed pipe) are absorbed instead of crashing the process: leaving must still back up.
   */
  static ofProcess(): Terminal {
    for (const stream of [process.stdin, process.stdout, process.stderr]) stream.on('error', () => undefined);
    return new Terminal();
  }

  /** True once a stdio stream that was a terminal at start-up is one no longer: the terminal was hung up. */
  get gone(): boolean {
    return STDIO.some((fd) => this.startedOnTerminal[fd] && !isatty(fd));
  }

  /**
   * Ends the process with `code`. Node restores the terminal's settings on the way out and aborts when
   * that fails (Node 20 asserts in `ResetStdio` on a hung-up terminal: exit by SIGABRT); so the
   * descriptors of a terminal that is gone are closed first, which makes Node skip them.
   */
  exit(code: number): never {
    for (const fd of STDIO) {
      if (this.startedOnTerminal[fd] && !isatty(fd)) {
        try {
          closeSync(fd);
        } catch {
          // Already closed: nothing to restore.
        }
      }
    }
    process.exit(code);
  }
}

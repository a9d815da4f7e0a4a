import { styleText } from 'node:util';
import { printable } from '../printable.js';

type Style = Parameters<typeof styleText>[0];
type Stream = NodeJS.WritableStream & { isTTY?: boolean; hasColors?: () => boolean };

/**
 * Where the CLI writes: results to `out`, progress, warnings and errors to `err`; colour only on a TTY
 * without NO_COLOR. Once the terminal is gone (`terminalGone()`: its window was closed) nothing more
 * is written to it.
 */
export class Output {
  readonly color: boolean;

  constructor(
    readonly out: Stream,
    readonly err: Stream,
    env: NodeJS.ProcessEnv = process.env,
    private readonly isTerminalGone: () => boolean = () => false,
  ) {
    this.color = Boolean(out.isTTY) && !('NO_COLOR' in env) && (out.hasColors?.() ?? false);
  }

  /** True while `err` is a terminal that is still there: progress may be animated on it. */
  get interactive(): boolean {
    return Boolean(this.err.isTTY) && !this.isTerminalGone();
  }

  /** True once the terminal this process started on is gone (hung up). */
  get terminalGone(): boolean {
    return this.isTerminalGone();
  }

  /** Writes lines to stdout. */
  print(text: string): void {
    if (text !== '') this.write(this.out, `${text}\n`);
  }

  /** Writes a line to stderr as it is (progress, notices). */
  note(text: string): void {
    this.write(this.err, `${text}\n`);
  }

  /** Writes a line to stderr, prefixed `warning:`; its control characters are shown, not sent (it may quote user text). */
  warn(text: string): void {
    this.note(`${this.style('yellow', 'warning:')} ${printable(text)}`);
  }

  /** Writes a line to stderr, prefixed `error:`; its control characters are shown, not sent (it may quote user text). */
  error(text: string): void {
    this.note(`${this.style('red', 'error:')} ${printable(text)}`);
  }

  style(style: Style, text: string): string {
    return this.color ? styleText(style, text) : text;
  }

  private write(stream: Stream, text: string): void {
    if (stream.isTTY && this.isTerminalGone()) return;
    stream.write(text);
  }
}

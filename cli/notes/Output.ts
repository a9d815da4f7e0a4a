import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Where the CLI writes: results to `out`, warnings and progress to `err`; colour only on a TTY without NO_COLOR. */
export class Output {
  readonly color: boolean;

  constructor(
    readonly out: NodeJS.WritableStream & { isTTY?: boolean; hasColors?: () => boolean },
    readonly err: NodeJS.WritableStream & { isTTY?: boolean },
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.color = Boolean(out.isTTY) && !('NO_COLOR' in env) && (out.hasColors?.() ?? false);
  }

  /** Writes lines to stdout. */
  print(text: string): void {
    if (text !== '') this.out.write(`${text}\n`);
  }

  /** Writes a line to stderr, prefixed `warning:`. */
  warn(text: string): void {
    this.err.write(`${this.style('yellow', 'warning:')} ${text}\n`);
  }

  style(style: Style, text: string): string {
    return this.color ? styleText(style, text) : text;
  }
}

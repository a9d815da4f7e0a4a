import type { CommandContext, CommandFlags } from '../Command.js';

/**
 * Prints a command's answer: `text`, or with --json the value as JSON, exact. JSON.stringify escapes
 * U+0000 to U+001F only; DEL and the C1 characters (U+0080 to U+009F: U+009B is a CSI to some
 * terminals) are escaped too, which JSON allows: the same value, and nothing a terminal would obey.
 */
export function printResult(context: CommandContext, flags: CommandFlags, value: unknown, text: string): void {
  context.output.print(flags.json ? JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, jsonEscape) : text);
}

/** `\u009b`: a character as a JSON string escape. */
const jsonEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

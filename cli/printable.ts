/**
 * User text made safe for a terminal: every C0 control character, DEL and C1 control character is
 * shown, never sent. C0 and DEL become their Unicode control pictures (ESC is `␛`, BEL `␇`, a newline
 * `␊`), so a reader sees what is there; C1 characters, which have no picture, become `�` (U+FFFD).
 * `multiline` (a note's body, a stack trace): newlines, CRLF line ends (shown as a newline) and tabs
 * stay, so the text keeps its lines; a one-line field (a title, folder, tag, error line) keeps none.
 * In one-line text each character maps to one code point, so ranges into it (search highlights) still fit. Pure.
 */
export function printable(text: string, { multiline = false }: { multiline?: boolean } = {}): string {
  const lines = multiline ? text.replace(/\r\n/g, '\n') : text;
  // \p{Cc}: U+0000 to U+001F, DEL and U+0080 to U+009F.
  return lines.replace(/\p{Cc}/gu, (character) => {
    if (multiline && (character === '\n' || character === '\t')) return character;
    const code = character.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\ufffd';
  });
}

/**
 * A word as it must be typed to arrive as it is, the same at the notes prompt (shlex) and in a POSIX
 * shell: bare when it holds only safe characters, else in double quotes, else (a `"`, `\`, `$`, a
 * backtick or `!` in it) in single quotes, a `'` written as `'\''`. Pure.
 */
export function quoteWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (!/["\\$`!]/.test(word)) return `"${word}"`;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`: names as a message quotes them. */
export function quotedList(names: readonly (string | number)[]): string {
  const quoted = names.map((name) => (typeof name === 'number' ? String(name) : JSON.stringify(name)));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

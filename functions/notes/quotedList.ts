/** How many names a message quotes before it only counts the rest. */
export const QUOTED_NAMES_MAX = 10;

/**
 * `"a"`, `"a" and "b"`, `"a", "b" and "c"`: names as a message quotes them. Past `max` names, only the
 * first `max` are quoted and the rest counted (`5, 6, 7, … and 9,989 more`), so that a request naming
 * thousands of unknown ids does not get them all back.
 */
export function quotedList(names: readonly (string | number)[], max = QUOTED_NAMES_MAX): string {
  const quoted = names.map((name) => (typeof name === 'number' ? String(name) : JSON.stringify(name)));
  if (quoted.length > max) return `${quoted.slice(0, max).join(', ')}, … and ${(quoted.length - max).toLocaleString('en-US')} more`;
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

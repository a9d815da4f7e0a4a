import { closestMatch } from 'leven';

/**
 * The candidate closest to what was typed, or undefined when none is close: case is ignored
 * (`Exit` → `exit`), two neighbouring letters swapped count as one slip (`tga` → `tag`), and
 * otherwise at most one edit per three letters typed is close (`fodlers` → `folders`; `xyz` →
 * nothing). Pure.
 */
export function suggest(typed: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(typed)) return typed;
  const lower = typed.toLowerCase();
  const byLower = new Map(candidates.map((candidate) => [candidate.toLowerCase(), candidate]));
  if (byLower.has(lower)) return byLower.get(lower);
  const swapped = [...byLower.keys()].find((candidate) => isOneSwapAway(lower, candidate));
  if (swapped !== undefined) return byLower.get(swapped);
  const maxDistance = Math.max(1, Math.ceil(lower.length / 3));
  const match = closestMatch(lower, [...byLower.keys()], { maxDistance });
  return match === undefined ? undefined : byLower.get(match);
}

/** True when swapping two neighbouring letters of `typed` gives `candidate` (Levenshtein counts that as two edits). */
function isOneSwapAway(typed: string, candidate: string): boolean {
  if (typed.length !== candidate.length) return false;
  const differ = [...typed].flatMap((letter, index) => (letter === candidate[index] ? [] : [index]));
  const [first, second] = differ;
  return differ.length === 2 && second === first! + 1 && typed[first!] === candidate[second] && typed[second] === candidate[first!];
}

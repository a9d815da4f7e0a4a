/** The contestants in the order they run in `round`: rotated by one each round, so that none always goes first. */
export function inTurn<T>(contestants: readonly T[], round: number): T[] {
  const first = round % contestants.length;
  return [...contestants.slice(first), ...contestants.slice(0, first)];
}

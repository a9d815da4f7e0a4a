/** `1 note`, `3 notes`, `0 large objects`: a count with its noun, singular for exactly one. */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : plural}`;
}

/** Wraps `make` so that it runs on the first call only; later calls return that first result. */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

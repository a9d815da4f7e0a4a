/** A request's target as the client sent it. */
export interface RequestTarget {
  /** The path exactly as sent (still percent-encoded): `//x/db-backup` is that path, not a host `x`. */
  path: string;
  query: URLSearchParams;
}

/**
 * Splits an origin-form request target (`/path?query`) into its path and query without parsing it as
 * a URL: a URL parser would read `//x/db-backup` as the host `x` and the path `/db-backup`, letting a
 * request slip past a proxy rule written for `/db-backup`. Any other form (absolute, `*`) is undefined.
 */
export function requestTarget(raw: string | undefined): RequestTarget | undefined {
  if (!raw?.startsWith('/')) return undefined;
  const mark = raw.indexOf('?');
  return {
    path: mark === -1 ? raw : raw.slice(0, mark),
    query: new URLSearchParams(mark === -1 ? '' : raw.slice(mark + 1)),
  };
}

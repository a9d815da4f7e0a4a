/** A request's target as the client sent it. */
export interface RequestTarget {
  /** The path exactly as sent (still percent-encoded): `//x/db-backup` is that path, not a host `x`. */
  path: string;
  /** The query's parameters, decoded, in order (a name may come more than once); undefined when not valid percent-encoding. */
  query: [name: string, value: string][] | undefined;
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
    query: decodeQuery(mark === -1 ? '' : raw.slice(mark + 1)),
  };
}

/**
 * `a=1&b=x+y` as pairs, `+` a space. Strict where URLSearchParams is lenient: `%FF` (not UTF-8) or `%zz`
 * make the whole query undefined rather than a U+FFFD or a literal `%zz` the client did not mean.
 */
function decodeQuery(query: string): RequestTarget['query'] {
  try {
    return query
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => {
        const equals = pair.indexOf('=');
        const [name, value] = equals === -1 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
        return [decode(name), decode(value)];
      });
  } catch {
    return undefined;
  }
}

const decode = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));

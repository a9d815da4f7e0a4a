import type { Route } from './loadRoutes.js';
import { requestTarget, type RequestTarget } from './requestTarget.js';

/** Where a request goes: a route and its decoded path parameters, or why no route takes it. */
export type RouteMatch =
  | { kind: 'route'; route: Route; target: RequestTarget; pathParameters: Record<string, string> }
  | { kind: 'no route'; path: string }
  | { kind: 'method not allowed'; method: string; allow: string[] }
  | { kind: 'bad encoding'; part: 'path' | 'query string' };

/**
 * Matches a request's method and target (as sent, e.g. `/notes/42?x=1`) against the template's routes,
 * as API Gateway does: on the path exactly as sent, a route of the same method or `ANY`; another
 * method on a known path is 'method not allowed' (with the methods that are); path parameters are
 * percent-decoded, as is the query ('bad encoding' when either is not valid percent-encoding of UTF-8). Pure: reads and changes nothing.
 */
export function matchRoute(routes: Route[], rawMethod: string | undefined, rawTarget: string | undefined): RouteMatch {
  const target = requestTarget(rawTarget);
  const method = (rawMethod ?? 'GET').toUpperCase();
  const onPath = routes
    .map((route) => ({ route, match: target ? route.pattern.exec(target.path) : null }))
    .filter((candidate) => candidate.match !== null);
  const chosen = onPath.find(({ route }) => route.method === method || route.method === 'ANY');
  if (!chosen) {
    if (onPath.length === 0) return { kind: 'no route', path: target?.path ?? rawTarget ?? '' };
    return { kind: 'method not allowed', method, allow: onPath.map(({ route }) => route.method) };
  }
  if (!target!.query) return { kind: 'bad encoding', part: 'query string' };
  try {
    const pathParameters = Object.fromEntries(
      chosen.route.parameterNames.map((name, i) => [name, decodeURIComponent(chosen.match![i + 1]!)]),
    );
    return { kind: 'route', route: chosen.route, target: target!, pathParameters };
  } catch {
    return { kind: 'bad encoding', part: 'path' };
  }
}

import { beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ROOT } from '../test/support/apiProcess.js';
import { loadRoutes, type Route } from './loadRoutes.js';
import { matchRoute, type RouteMatch } from './matchRoute.js';

/** A match as a row: the function and its path parameters, or why there is none. */
const summary = (match: RouteMatch): Record<string, unknown> => {
  if (match.kind === 'route')
    return { to: `${match.route.functionName} ${match.route.method} ${match.route.path}`, ...match.pathParameters };
  if (match.kind === 'method not allowed') return { kind: match.kind, method: match.method, allow: match.allow };
  return match;
};

describe("the gateway's routing (the project's template.yaml)", () => {
  let routes: Route[];
  beforeAll(async () => {
    routes = await loadRoutes(join(ROOT, 'template.yaml'));
  });

  it.each<[string | undefined, string | undefined, Record<string, unknown>]>([
    ['POST', '/db-backup', { to: 'DbBackupFunction POST /db-backup' }],
    ['POST', '/db-backup?wait=0', { to: 'DbBackupFunction POST /db-backup' }],
    ['post', '/db-backup', { to: 'DbBackupFunction POST /db-backup' }],
    ['GET', '/db-backups?all=true', { to: 'BackupStatusFunction GET /db-backups' }],
    ['GET', '/health', { to: 'BackupStatusFunction GET /health' }],
    [undefined, '/health', { to: 'BackupStatusFunction GET /health' }],
    ['GET', '/notes', { to: 'NotesFunction GET /notes' }],
    ['GET', '/notes/42', { to: 'NotesFunction GET /notes/{id}', id: '42' }],
    ['PATCH', '/folders/7', { to: 'NotesFunction PATCH /folders/{id}', id: '7' }],
    ['PUT', '/notes/42/tags/caf%C3%A9%20au%20lait', { to: 'NotesFunction PUT /notes/{id}/tags/{tag}', id: '42', tag: 'café au lait' }],
    ['DELETE', '/notes/42/tags/a%2Fb', { to: 'NotesFunction DELETE /notes/{id}/tags/{tag}', id: '42', tag: 'a/b' }],
    ['PATCH', '/notes/42/tags', { to: 'NotesFunction PATCH /notes/{id}/tags', id: '42' }],
    ['POST', '/notes/move', { to: 'NotesFunction POST /notes/move' }],
    ['GET', '/db-backup', { kind: 'method not allowed', method: 'GET', allow: ['POST'] }],
    ['PUT', '/db-backup', { kind: 'method not allowed', method: 'PUT', allow: ['POST'] }],
    ['POST', '/notes/42', { kind: 'method not allowed', method: 'POST', allow: ['GET', 'PATCH', 'DELETE'] }],
    ['POST', '/db-backup/extra', { kind: 'no route', path: '/db-backup/extra' }],
    ['POST', '/', { kind: 'no route', path: '/' }],
    ['GET', '/notes/', { kind: 'no route', path: '/notes/' }],
    ['GET', '/notes/42/tags', { kind: 'method not allowed', method: 'GET', allow: ['PATCH'] }],
    ['GET', '/notes/42/tagz', { kind: 'no route', path: '/notes/42/tagz' }],
    // On the path as sent: a URL parser would make these /db-backup.
    ['POST', '//anything/db-backup', { kind: 'no route', path: '//anything/db-backup' }],
    ['POST', '//127.0.0.1/db-backup', { kind: 'no route', path: '//127.0.0.1/db-backup' }],
    ['POST', '/db-backup/../db-backup', { kind: 'no route', path: '/db-backup/../db-backup' }],
    ['POST', '/%64b-backup', { kind: 'no route', path: '/%64b-backup' }],
    ['POST', 'http://127.0.0.1/db-backup', { kind: 'no route', path: 'http://127.0.0.1/db-backup' }],
    ['OPTIONS', '*', { kind: 'no route', path: '*' }],
    ['GET', '/notes/%E0%A4%A', { kind: 'bad encoding', part: 'path' }],
    ['GET', '/notes/%FF', { kind: 'bad encoding', part: 'path' }],
    // URLSearchParams would make these U+FFFD and a literal %zz.
    ['GET', '/notes?q=%FF', { kind: 'bad encoding', part: 'query string' }],
    ['GET', '/notes?q=milk&%zz=1', { kind: 'bad encoding', part: 'query string' }],
    ['GET', '/notes?q=caf%C3%A9+au+lait&&tag=', { to: 'NotesFunction GET /notes' }],
  ])('routes %s %s', (method, target, expected) => {
    expect(summary(matchRoute(routes, method, target))).toEqual(expected);
  });

  it('gives the function the target as sent: its path and its query', () => {
    const match = matchRoute(routes, 'GET', '/db-backups?all=true&all=false&q=caf%C3%A9+au%2Blait&flag');

    expect(match.kind === 'route' && [match.target.path, match.target.query]).toEqual([
      '/db-backups',
      [
        ['all', 'true'],
        ['all', 'false'],
        ['q', 'café au+lait'],
        ['flag', ''],
      ],
    ]);
  });

  // Invariant: every route of the template takes its own path, and a method it lacks is refused naming the ones it has.
  it('routes every route of the template to itself, and refuses every other method there naming the allowed ones', () => {
    for (const route of routes) {
      const path = route.path.replace(/\{(\w+)\+?\}/g, 'x1');
      const others = routes.filter((other) => other.pattern.test(path));

      const match = matchRoute(routes, route.method, path);
      const unknown = matchRoute(routes, 'TRACE', path);

      expect(match.kind === 'route' && match.route).toBe(route);
      expect(unknown).toEqual({ kind: 'method not allowed', method: 'TRACE', allow: others.map((other) => other.method) });
    }
  });

  it.each([
    ['GET', '/files/a/b.txt', { to: 'Files ANY /files/{proxy+}', proxy: 'a/b.txt' }],
    ['DELETE', '/files/x', { to: 'Files ANY /files/{proxy+}', proxy: 'x' }],
    ['GET', '/files/', { kind: 'no route', path: '/files/' }],
  ])('routes %s %s to an ANY route with a greedy parameter', async (method, target, expected) => {
    // As loadRoutes compiles `ANY /files/{proxy+}` (loadRoutes.unit.test.ts).
    const files = {
      ...routes[0]!,
      method: 'ANY',
      path: '/files/{proxy+}',
      functionName: 'Files',
      pattern: /^\/files\/(.+)$/,
      parameterNames: ['proxy'],
    };

    expect(summary(matchRoute([files], method, target))).toEqual(expected);
  });
});

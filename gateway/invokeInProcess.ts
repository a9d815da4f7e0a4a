import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, Handler } from 'aws-lambda';
import type { Route } from './loadRoutes.js';

/** Calls a route's function and returns its result, as API Gateway would. */
export type Invoke = (route: Route, event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/**
 * Invokes handlers in this process: the one `wired` under the route's function name, else the module
 * export the template names (`functions/db-backup/handler.handler` is the export `handler` of
 * `functions/db-backup/handler.js`, found relative to this folder: the same layout in the sources and `dist/`).
 */
export function invokeInProcess(wired: ReadonlyMap<string, Handler> = new Map()): Invoke {
  const handlers = new Map<string, Promise<Handler>>();
  const load = (handler: string) => {
    const dot = handler.lastIndexOf('.');
    const modulePath = handler.slice(0, dot);
    const exportName = handler.slice(dot + 1);
    if (!/^[\w/-]+$/.test(modulePath)) throw new Error(`unsupported Handler "${handler}" in template.yaml`);
    return import(`../${modulePath}.js`).then((module: Record<string, unknown>) => {
      const fn = module[exportName];
      if (typeof fn !== 'function') throw new Error(`${modulePath} has no export "${exportName}"`);
      return fn as Handler;
    });
  };
  return async (route, event) => {
    const own = wired.get(route.functionName);
    if (own) handlers.set(route.handler, Promise.resolve(own));
    if (!handlers.has(route.handler)) {
      // A failed import is not remembered: the next request tries again.
      handlers.set(route.handler, load(route.handler).catch((error: unknown) => {
        handlers.delete(route.handler);
        throw error;
      }));
    }
    const handler = await handlers.get(route.handler)!;
    const deadline = Date.now() + route.timeoutSeconds * 1000;
    const context = lambdaContext(route, event.requestContext.requestId, deadline);
    return (await handler(event, context, () => undefined)) as APIGatewayProxyResult;
  };
}

function lambdaContext(route: Route, awsRequestId: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: route.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:123456789012:function:${route.functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${route.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, Handler } from 'aws-lambda';
import type { Route } from './loadRoutes.js';

/** Calls a route's function and returns its result, as API Gateway would. */
export type Invoke = (route: Route, event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/**
 * Invokes the functions in this process: each route's function is the handler given under its name
 * in template.yaml (every route must have one: `startGateway` checks before listening).
 */
export function invokeInProcess(handlers: ReadonlyMap<string, Handler>): Invoke {
  return async (route, event) => {
    const handler = handlers.get(route.functionName);
    if (!handler) throw new Error(`no handler for ${route.functionName}`);
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

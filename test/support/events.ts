import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** An API Gateway REST (payload 1.0) event, as `sam local start-api` sends for an `Api` event. */
export function restEvent(method: string, path: string, body: string | null = null): APIGatewayProxyEvent {
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'jest' },
    multiValueHeaders: { 'Content-Type': ['application/json'], 'User-Agent': ['jest'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: { sourceIp: '127.0.0.1', userAgent: 'jest' } as APIGatewayProxyEvent['requestContext']['identity'],
      path,
      stage: 'test',
      requestId: 'request-1',
      requestTimeEpoch: 0,
      resourceId: 'x',
      resourcePath: path,
    },
  };
}

/** An API Gateway HTTP API (payload 2.0) event. */
export function httpApiEvent(method: string, path: string, body?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'request-2',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
}

/** A Lambda context with enough time left for a dump. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'DbBackupFunction',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:123456789012:function:DbBackupFunction',
    memoryLimitInMB: '512',
    awsRequestId: 'request',
    logGroupName: 'test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A Lambda handler of API Gateway REST events, as the route tests call them. */
type RouteHandler = (event: never, context: Context) => Promise<unknown>;

/**
 * Calls `handler` as API Gateway would for `method path` (a `?query` in the path becomes the event's
 * query parameters) with `body` as JSON; returns the status and the parsed answer (undefined when empty).
 */
export async function callRoute(handler: RouteHandler, method: string, path: string, body?: unknown) {
  const [pathname, query] = path.split('?');
  const event = restEvent(method, pathname!, body === undefined ? null : JSON.stringify(body));
  if (query) event.queryStringParameters = Object.fromEntries(new URLSearchParams(query));
  const result = (await handler(event as never, lambdaContext())) as { statusCode: number; body: string };
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the answer's fields freely
  return { status: result.statusCode, json: (result.body ? JSON.parse(result.body) : undefined) as any };
}

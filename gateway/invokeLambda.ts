import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Invoke } from './invokeInProcess.js';

/** The function could not be invoked, failed, or answered something that is not an HTTP result: 502. */
export class BadGatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BadGatewayError';
  }
}

/**
 * Invokes each route's function in its Lambda container (the runtime interface emulator) with the
 * AWS SDK, as `sam local start-api` does: `endpoints` maps a function's logical id (or `*`) to the
 * emulator's URL. Fake credentials, one attempt, the function's own timeout.
 */
export function invokeLambda(endpoints: ReadonlyMap<string, string>): Invoke {
  const clients = new Map<string, LambdaClient>();
  const clientFor = (endpoint: string) => {
    let client = clients.get(endpoint);
    if (!client) {
      client = new LambdaClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      clients.set(endpoint, client);
    }
    return client;
  };

  return async (route, event) => {
    const endpoint = endpoints.get(route.functionName) ?? endpoints.get('*');
    if (!endpoint) throw new BadGatewayError('NO_FUNCTION_ENDPOINT', `no Lambda endpoint for ${route.functionName}`);
    let output;
    try {
      output = await clientFor(endpoint).send(
        new InvokeCommand({ FunctionName: 'function', Payload: Buffer.from(JSON.stringify(event)) }),
        { abortSignal: AbortSignal.timeout(route.timeoutSeconds * 1000 + 5_000) },
      );
    } catch (error) {
      throw new BadGatewayError('FUNCTION_UNREACHABLE', `cannot invoke ${route.functionName} at ${endpoint}`, { cause: error });
    }
    const payload = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
    if (output.FunctionError) {
      throw new BadGatewayError('FUNCTION_ERROR', `${route.functionName} failed (${output.FunctionError})`, { cause: payload.slice(0, 2000) });
    }
    return parseResult(route.functionName, payload);
  };
}

function parseResult(functionName: string, payload: string): APIGatewayProxyResult {
  let result: unknown;
  try {
    result = JSON.parse(payload);
  } catch {
    throw new BadGatewayError('BAD_FUNCTION_RESULT', `${functionName} answered something that is not JSON`);
  }
  const candidate = result as APIGatewayProxyResult | null;
  if (!candidate || typeof candidate !== 'object' || !Number.isInteger(candidate.statusCode)) {
    throw new BadGatewayError('BAD_FUNCTION_RESULT', `${functionName} answered without a statusCode`);
  }
  return candidate;
}

/**
 * Reads `LAMBDA_ENDPOINTS` (`DbBackupFunction=http://api:8080,NotesFunction=http://notes:8080`) and
 * `LAMBDA_ENDPOINT` (one URL for every function); an empty map means: invoke in process.
 */
export function lambdaEndpoints(env: NodeJS.ProcessEnv): Map<string, string> {
  const endpoints = new Map<string, string>();
  const add = (name: string, url: string) => {
    try {
      if (!/^https?:$/.test(new URL(url).protocol)) throw new Error();
    } catch {
      throw new Error(`Lambda endpoint for ${name} must be an http(s) URL (got "${url}")`);
    }
    endpoints.set(name, url);
  };
  if (env.LAMBDA_ENDPOINT?.trim()) add('*', env.LAMBDA_ENDPOINT.trim());
  for (const pair of (env.LAMBDA_ENDPOINTS ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`LAMBDA_ENDPOINTS takes FunctionName=url pairs separated by commas (got "${pair}")`);
    add(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return endpoints;
}

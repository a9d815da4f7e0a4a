import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { AppError } from '../functions/errors/AppError.js';
import { BadGatewayError } from './BadGatewayError.js';
import type { Invoke } from './invokeInProcess.js';

/** Invocations that may wait for one Lambda container before the gateway answers 503. */
export const MAX_WAITING_INVOCATIONS = 200;

/**
 * Invokes each route's function in its Lambda container (the runtime interface emulator) with the
 * AWS SDK, as `sam local start-api` does: `endpoints` maps a function's logical id (or `*`) to the
 * emulator's URL. Fake credentials, one attempt, the function's own timeout.
 *
 * One invocation at a time per container: the emulator accepts a single invocation and fails (and
 * kills the one running) on a second. Others wait in a queue per endpoint, bounded: past
 * MAX_WAITING_INVOCATIONS the answer is 503 FUNCTION_BUSY. The function's timeout counts from the
 * start of its own invocation. (Requests keep their arrival time, `requestTimeEpoch`: a backup
 * request that waited here is still answered by a backup that started after it arrived.)
 */
export function invokeLambda(endpoints: ReadonlyMap<string, string>): Invoke {
  const queues = new Map<string, { tail: Promise<void>; waiting: number }>();
  const oneAtATime = async <T>(endpoint: string, functionName: string, work: () => Promise<T>): Promise<T> => {
    const queue = queues.get(endpoint) ?? { tail: Promise.resolve(), waiting: 0 };
    queues.set(endpoint, queue);
    if (queue.waiting >= MAX_WAITING_INVOCATIONS) {
      throw new AppError('FUNCTION_BUSY', `${queue.waiting} requests are already waiting for ${functionName}; try again later`, {
        expose: true,
      });
    }
    const previous = queue.tail;
    let done!: () => void;
    queue.tail = new Promise<void>((resolve) => (done = resolve));
    queue.waiting++;
    try {
      await previous;
      return await work();
    } finally {
      queue.waiting--;
      done();
    }
  };
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
    let output: InvokeCommandOutput;
    const invokeOnce = () =>
      clientFor(endpoint).send(new InvokeCommand({ FunctionName: 'function', Payload: Buffer.from(JSON.stringify(event)) }), {
        abortSignal: AbortSignal.timeout(route.timeoutSeconds * 1000 + 5_000),
      });
    try {
      output = await oneAtATime(endpoint, route.functionName, async () => {
        // A container that is (re)starting refuses connections for a moment: the invocation never
        // reached it, so trying again is safe; for up to 15 s.
        for (let waited = 0; ; waited += 500) {
          try {
            return await invokeOnce();
          } catch (error) {
            if (!refused(error) || waited >= 15_000) throw error;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new BadGatewayError('FUNCTION_UNREACHABLE', `cannot invoke ${route.functionName} at ${endpoint}`, { cause: error });
    }
    const payload = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
    if (output.FunctionError) {
      throw new BadGatewayError('FUNCTION_ERROR', `${route.functionName} failed (${output.FunctionError})`, {
        cause: payload.slice(0, 2000),
      });
    }
    return parseResult(route.functionName, payload);
  };
}

/** The connection was refused: nothing listens yet, so nothing was invoked. */
function refused(error: unknown): boolean {
  for (let cause = error as { code?: string; cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause) {
    if (cause.code === 'ECONNREFUSED') return true;
  }
  return false;
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

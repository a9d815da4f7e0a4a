import type { APIGatewayProxyResult } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError } from '../functions/errors/AppError.js';
import { toErrorResult } from '../functions/http/errorResponse.js';
import { silentLogger, type Logger } from '../functions/log/Logger.js';
import type { Invoke } from './invokeInProcess.js';
import { BadGatewayError } from './BadGatewayError.js';
import type { Route } from './loadRoutes.js';
import { toProxyEvent } from './toProxyEvent.js';

export interface GatewayOptions {
  routes: Route[];
  invoke: Invoke;
  logger?: Logger;
  /** Larger request bodies get 413 before any function runs. */
  maxBodyBytes?: number;
}

/**
 * A local stand-in for API Gateway: matches each request against the template's routes, turns it
 * into a proxy event, invokes the function and turns its result back into HTTP.
 * Unknown paths answer 404, known paths with another method 405; one log line per request.
 */
export function createGateway({ routes, invoke, logger = silentLogger, maxBodyBytes = 64 * 1024 }: GatewayOptions): Server {
  return createServer((request, response) => {
    const started = performance.now();
    response.on('finish', () =>
      logger.info('request', {
        method: request.method,
        path: request.url,
        status: response.statusCode,
        durationMs: Math.round(performance.now() - started),
      }),
    );
    handle(request, response).catch((error: unknown) => {
      const known =
        error instanceof AppError
          ? error
          : new BadGatewayError('BAD_GATEWAY', 'the function failed or answered something that is not an HTTP result', { cause: error });
      send(response, toErrorResult(known, logger));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://gateway.local');
    const method = (request.method ?? 'GET').toUpperCase();
    const onPath = routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null);
    const chosen = onPath.find(({ route }) => route.method === method || route.method === 'ANY');
    // The body is read (or drained) first, whatever the answer: closing on a client that is still
    // sending would reset the connection before it reads our answer.
    const body = await readBody(request, maxBodyBytes);
    if (!body) {
      return send(response, toErrorResult(new AppError(413, 'PAYLOAD_TOO_LARGE', `request bodies are limited to ${maxBodyBytes} bytes`)));
    }
    if (!chosen) {
      if (onPath.length === 0) return send(response, toErrorResult(new AppError(404, 'NOT_FOUND', `no route for ${url.pathname}`)));
      const allow = onPath.map(({ route }) => route.method).join(', ');
      return send(
        response,
        toErrorResult(new AppError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allow}`, { headers: { allow } })),
      );
    }
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(chosen.route.parameterNames.map((name, i) => [name, decodeURIComponent(chosen.match![i + 1]!)]));
    } catch {
      return send(response, toErrorResult(new AppError(400, 'BAD_REQUEST', 'the path is not valid percent-encoding')));
    }
    const event = toProxyEvent(request, url, chosen.route, pathParameters, body);
    send(response, checkResult(await invoke(chosen.route, event)));
  }
}

/**
 * Reads the whole body; past `limit` bytes it keeps reading but drops the data and returns undefined
 * at the end, so the 413 reaches a client that is still sending. Past 16 × `limit` the connection
 * is cut.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > 16 * limit) request.destroy();
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('close', () => resolve(undefined));
    request.on('error', reject);
  });
}

function checkResult(result: unknown): APIGatewayProxyResult {
  const candidate = result as APIGatewayProxyResult | undefined;
  if (!candidate || typeof candidate !== 'object' || !Number.isInteger(candidate.statusCode)) {
    throw new Error('the function returned no statusCode');
  }
  return candidate;
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  if (response.headersSent) return void response.end();
  response.statusCode = result.statusCode;
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) response.setHeader(name, values.map(String));
  const body = result.body ?? '';
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

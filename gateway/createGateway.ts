import type { APIGatewayProxyResult } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError } from '../functions/errors/AppError.js';
import { toErrorResult } from '../functions/http/errorResponse.js';
import { silentLogger, type Logger } from '../functions/log/Logger.js';
import type { Invoke } from './invokeInProcess.js';
import { BadGatewayError } from './BadGatewayError.js';
import type { Route } from './loadRoutes.js';
import { matchRoute } from './matchRoute.js';
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
    // One line per request, when its work is done: also for a client that left before the answer
    // (its backup still ran), which a 'finish' event would never report.
    let clientLeft = false;
    response.on('close', () => {
      if (!response.writableFinished) clientLeft = true;
    });
    const logRequest = () =>
      logger.info('request', {
        method: request.method,
        path: request.url,
        status: response.statusCode,
        durationMs: Math.round(performance.now() - started),
        ...(clientLeft ? { clientLeft } : {}),
      });
    handle(request, response)
      .catch((error: unknown) => {
        const known =
          error instanceof AppError
            ? error
            : new BadGatewayError('BAD_GATEWAY', 'the function failed or answered something that is not an HTTP result', { cause: error });
        send(response, toErrorResult(known, logger));
      })
      .finally(logRequest);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The body is read (or drained) first, whatever the answer: closing on a client that is still
    // sending would reset the connection before it reads our answer.
    const body = await readBody(request, maxBodyBytes);
    if (body === 'gone') return;
    if (body === 'too large' || body === 'cut off') {
      if (body === 'cut off') closeAfterAnswer(request, response);
      return send(response, toErrorResult(new AppError('PAYLOAD_TOO_LARGE', `request bodies are limited to ${maxBodyBytes} bytes`)));
    }
    const match = matchRoute(routes, request.method, request.url);
    if (match.kind === 'no route') return send(response, toErrorResult(new AppError('NOT_FOUND', `no route for ${match.path}`)));
    if (match.kind === 'method not allowed') {
      const allow = match.allow.join(', ');
      return send(
        response,
        toErrorResult(new AppError('METHOD_NOT_ALLOWED', `${match.method} is not allowed here; use ${allow}`, { headers: { allow } })),
      );
    }
    if (match.kind === 'bad encoding')
      return send(response, toErrorResult(new AppError('INVALID_INPUT', `the ${match.part} is not valid percent-encoding of UTF-8`)));
    const event = toProxyEvent(request, match.target, match.route, match.pathParameters, body);
    send(response, checkResult(await invoke(match.route, event)));
  }
}

/**
 * Reads the whole body. Past `limit` bytes it keeps reading but drops the data, so that the 413
 * reaches a client that is still sending ('too large' at the end), whether the body came with a
 * length or chunked. Past 256 × `limit` (16 MiB) it stops reading ('cut off'): the answer is sent
 * with the connection closing behind it. 'gone' when the client left before the end.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too large' | 'cut off' | 'gone'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > 256 * limit) {
        request.off('data', onData);
        request.pause();
        resolve('cut off');
      }
    };
    request.on('data', onData);
    request.on('end', () => resolve(size > limit ? 'too large' : Buffer.concat(chunks)));
    request.on('close', () => resolve('gone'));
    request.on('error', reject);
  });
}

/**
 * Closes the connection after the answer without resetting it: the client is still sending, and
 * closing a socket with unread data sends a reset that can destroy the answer before the client reads
 * it. So the answer goes out, the sending side is closed, and what still arrives is read and dropped
 * for up to two seconds (a lingering close, as web servers do).
 */
function closeAfterAnswer(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('connection', 'close');
  response.on('finish', () => {
    const socket = request.socket;
    socket.end();
    request.resume();
    setTimeout(() => socket.destroy(), 2_000).unref();
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

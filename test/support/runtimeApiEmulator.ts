import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the Lambda Runtime Interface Emulator (whose binary cannot be downloaded
 * here): the Runtime API that aws-lambda-ric polls (`/2018-06-01/runtime/...`) and the invoke
 * endpoint the AWS SDK calls (`/2015-03-31/functions/function/invocations`). Like the real emulator
 * it takes one invocation at a time, and a second one while another runs breaks both (the real one
 * panics, `ReserveFailed: AlreadyReserved`, killing the invocation under way): both connections are
 * dropped. `refused` counts such second invocations.
 */
export async function startRuntimeApiEmulator(): Promise<{
  address: string;
  url: string;
  refused: () => number;
  close: () => Promise<void>;
}> {
  let refused = 0;
  interface Invocation {
    id: string;
    event: Buffer;
    respond: (status: number, body: Buffer, functionError?: string) => void;
  }
  const queued: Invocation[] = [];
  const inFlight = new Map<string, Invocation>();
  const waitingRuntimes: ServerResponse[] = [];

  const deliver = () => {
    while (queued.length > 0 && waitingRuntimes.length > 0) {
      const invocation = queued.shift()!;
      const runtime = waitingRuntimes.shift()!;
      inFlight.set(invocation.id, invocation);
      runtime.writeHead(200, {
        'content-type': 'application/json',
        'lambda-runtime-aws-request-id': invocation.id,
        'lambda-runtime-deadline-ms': String(Date.now() + 900_000),
        'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:function',
        'lambda-runtime-trace-id': 'Root=1-00000000-000000000000000000000000',
      });
      runtime.end(invocation.event);
    }
  };

  const server = createServer(async (request, response) => {
    const body = await readAll(request);
    const url = request.url ?? '';
    let match: RegExpExecArray | null;
    if (request.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      waitingRuntimes.push(response);
      return deliver();
    }
    if (request.method === 'POST' && (match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url))) {
      const invocation = inFlight.get(match[1]!);
      inFlight.delete(match[1]!);
      invocation?.respond(200, body, match[2] === 'error' ? 'Unhandled' : undefined);
      response.writeHead(202).end('{"status":"OK"}');
      return;
    }
    if (request.method === 'POST' && url === '/2018-06-01/runtime/init/error') {
      response.writeHead(202).end('{"status":"OK"}');
      return;
    }
    if (request.method === 'POST' && url === '/2015-03-31/functions/function/invocations') {
      if (inFlight.size > 0 || queued.length > 0) {
        refused++;
        for (const invocation of [...inFlight.values(), ...queued]) invocation.respond(0, Buffer.alloc(0));
        inFlight.clear();
        queued.length = 0;
        request.socket.destroy();
        return;
      }
      queued.push({
        id: randomUUID(),
        event: body,
        respond: (status, payload, functionError) => {
          if (status === 0) return void response.socket?.destroy();
          response.writeHead(status, {
            'content-type': 'application/json',
            ...(functionError ? { 'x-amz-function-error': functionError } : {}),
          });
          response.end(payload);
        },
      });
      return deliver();
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    refused: () => refused,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { unsignedPayload } from './unsignedPayload.js';

/** The commands whose body the server checks against a `Content-MD5` header: each part, each small object, each batch delete. */
const MD5_CHECKED = new Set(['PutObjectCommand', 'UploadPartCommand', 'DeleteObjectsCommand']);
/** The commands that carry a backup's bytes: their bodies are not hashed for the signature where `unsignedPayload` allows. */
const BODY_UPLOADS = new Set(['PutObjectCommand', 'UploadPartCommand']);

export interface S3ClientOptions {
  /** Attempts per request (the SDK's standard retry mode: backoff with jitter on 5xx, throttling, timeouts). */
  maxAttempts?: number;
  /** A request that sends or receives nothing for this long fails (and is retried). */
  idleTimeoutMs?: number;
}

/**
 * An S3 client configured the AWS SDK's own way: region, endpoint (`AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL`) and credentials from the standard variables and the default provider chain
 * (shared config, container and instance roles). With an endpoint of its own (an S3-compatible
 * server) it addresses buckets path-style. Checksums only where an operation requires them (S3-compatible
 * servers reject the SDK's `aws-chunked` bodies), plus a `Content-MD5` on every part, small object
 * and batch delete, which the server checks. Over https (and to the loopback) parts and objects are
 * signed `UNSIGNED-PAYLOAD`: the SDK would otherwise hash every byte once more with sha256 for the
 * signature (and the server again to check it); the signed Content-MD5 still has the server check the body.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env, options: S3ClientOptions = {}): S3Client {
  // The SDK's notice that versions after January 2027 need Node 22 is for us, who pin the version, not for users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const given = (name: string) => env[name]?.trim() || undefined;
  const endpoint = given('AWS_ENDPOINT_URL_S3') ?? given('AWS_ENDPOINT_URL');
  const region = given('AWS_REGION') ?? given('AWS_DEFAULT_REGION');
  const accessKeyId = given('AWS_ACCESS_KEY_ID');
  const secretAccessKey = given('AWS_SECRET_ACCESS_KEY');
  const sessionToken = given('AWS_SESSION_TOKEN');
  const client = new S3Client({
    // What the environment gives is passed as such (so that a given `env` is the one used); the rest is
    // left to the SDK's own chain (the shared config and credentials files, container and instance roles).
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    forcePathStyle: Boolean(endpoint),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? 4,
    // A socket that carries nothing for this long (a hung server: the kernel still accepts the connection) fails
    // the request, which is retried. Not `requestTimeout`: that only warns, on the console, unless told to throw.
    requestHandler: { connectionTimeout: 5_000, socketTimeout: options.idleTimeoutMs ?? 30_000 },
  });
  const unsigned = unsignedPayload(endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      const command = context.commandName ?? '';
      if (MD5_CHECKED.has(command) && request.headers && !request.headers['content-md5']) {
        const body = request.body;
        if (typeof body === 'string' || body instanceof Uint8Array)
          request.headers['content-md5'] = createHash('md5').update(body).digest('base64');
      }
      // The signer takes this header as the payload's hash instead of hashing the body itself.
      if (unsigned && BODY_UPLOADS.has(command) && request.headers?.['content-md5'])
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 'contentMd5', override: true },
  );
  return client;
}

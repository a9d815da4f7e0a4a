import { AppError } from '../../errors/AppError.js';

/** A request to the bucket failed; the message says what to do, and never holds a secret. */
export class OffsiteError extends AppError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, expose: true });
  }
}

/** The server a request went to, for messages: the custom endpoint (`AWS_ENDPOINT_URL_S3`) or AWS's own. */
export interface S3Server {
  /** `http://127.0.0.1:9000`, or `s3.eu-west-1.amazonaws.com` for AWS. */
  endpoint: string;
  /** Set by AWS_ENDPOINT_URL_S3 (an S3-compatible server), not AWS's default. */
  custom: boolean;
}

/**
 * The codes of failures that no retry can mend (a refused secret, a missing bucket, a bad bucket name,
 * no region or credentials): someone must fix the setting first. The rest (unreachable, 5xx, a timeout)
 * may pass by themselves, and the next backup retries.
 */
export const NEEDS_A_FIX: ReadonlySet<string> = new Set(['OFFSITE_ACCESS_DENIED', 'OFFSITE_BUCKET_MISSING', 'OFFSITE_NOT_CONFIGURED']);

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const DENIED = new Set(['AccessDenied', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'InvalidToken', 'ExpiredToken', 'Forbidden']);

/**
 * The one place an S3 failure (the SDK's service exceptions, network errors, aborts, a missing region
 * or credentials) becomes an OffsiteError with a stable code and a message naming `where`
 * (`s3://bucket/key`) and, when the server was not reached, which `server` was tried. An OffsiteError
 * passes through unchanged.
 */
export function offsiteError(error: unknown, where: string, server?: S3Server): OffsiteError {
  if (error instanceof OffsiteError) return error;
  const failure = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const name = failure.name ?? 'Error';
  const status = failure.$metadata?.httpStatusCode;
  const attempts = failure.$metadata?.attempts;
  const after = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  // The SDK wraps a network failure ("AWS SDK error wrapper for Error: connect ECONNREFUSED …"): its code is then only in the message.
  const code =
    failure.code ?? (failure as { cause?: { code?: string } }).cause?.code ?? /\b(E[A-Z_]{3,})\b/.exec(failure.message ?? '')?.[1];
  const options = { cause: error };
  if (name === 'AbortError') return new OffsiteError('OFFSITE_CANCELLED', `the transfer to ${where} was stopped`, options);
  if (name === 'NoSuchBucket')
    return new OffsiteError(
      'OFFSITE_BUCKET_MISSING',
      `the bucket of ${where} does not exist: create it, or correct BACKUP_S3_URL`,
      options,
    );
  if (name === 'InvalidBucketName')
    return new OffsiteError(
      'OFFSITE_NOT_CONFIGURED',
      `the server refused the bucket name of ${where} (InvalidBucketName): correct the bucket in BACKUP_S3_URL`,
      options,
    );
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404))
    return new OffsiteError('OFFSITE_NOT_FOUND', `${where} does not exist`, options);
  if (DENIED.has(name) || status === 403)
    return new OffsiteError(
      'OFFSITE_ACCESS_DENIED',
      `the bucket refused these credentials for ${where} (${name === 'Error' ? '403' : name}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the role) and its permissions`,
      options,
    );
  if (/region is missing/i.test(failure.message ?? ''))
    return new OffsiteError(
      'OFFSITE_NOT_CONFIGURED',
      `no AWS region for ${where}: set AWS_REGION (us-east-1 for most S3-compatible servers)`,
      options,
    );
  if (name === 'CredentialsProviderError')
    return new OffsiteError(
      'OFFSITE_NOT_CONFIGURED',
      `no credentials for ${where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or a role`,
      options,
    );
  if (name === 'TimeoutError' || name === 'RequestTimeout' || code === 'ETIMEDOUT')
    return new OffsiteError(
      'OFFSITE_UNREACHABLE',
      `the server of ${where} stopped answering (a request timed out)${after}${tried(server)}`,
      options,
    );
  if (code && NETWORK.has(code))
    return new OffsiteError('OFFSITE_UNREACHABLE', `cannot reach the server of ${where} (${code})${after}${tried(server, code)}`, options);
  if (status && status >= 500)
    return new OffsiteError('OFFSITE_SERVER_ERROR', `the server of ${where} failed (${status} ${name})${after}`, options);
  return new OffsiteError(
    'OFFSITE_FAILED',
    `${where}: ${name}${failure.message && failure.message !== name ? ` (${failure.message.replace(/[.\s]+$/, '')})` : ''}${after}`,
    options,
  );
}

/** `: tried <endpoint>`, and what to check when its name did not resolve. */
function tried(server: S3Server | undefined, code?: string): string {
  if (!server) return '';
  if (server.custom) return `: tried ${server.endpoint} (AWS_ENDPOINT_URL_S3)${code === 'ENOTFOUND' ? '; check its host name' : ''}`;
  return `: tried AWS S3 at ${server.endpoint}${code === 'ENOTFOUND' ? '; for an S3-compatible server, set AWS_ENDPOINT_URL_S3' : ''}`;
}

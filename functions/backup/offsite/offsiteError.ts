import { AppError } from '../../errors/AppError.js';

/** A request to the bucket failed; the message says what to do, and never holds a secret. */
export class OffsiteError extends AppError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, expose: true });
  }
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const DENIED = new Set(['AccessDenied', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'InvalidToken', 'ExpiredToken', 'Forbidden']);

/**
 * The one place an S3 failure (the SDK's service exceptions, network errors, aborts, a missing region
 * or credentials) becomes an OffsiteError with a stable code and a message naming `where`
 * (`s3://bucket/key`). An OffsiteError passes through unchanged.
 */
export function offsiteError(error: unknown, where: string): OffsiteError {
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
    return new OffsiteError('OFFSITE_UNREACHABLE', `the server of ${where} stopped answering (a request timed out)${after}`, options);
  if (code && NETWORK.has(code))
    return new OffsiteError('OFFSITE_UNREACHABLE', `cannot reach the server of ${where} (${code ?? name})${after}`, options);
  if (status && status >= 500)
    return new OffsiteError('OFFSITE_SERVER_ERROR', `the server of ${where} failed (${status} ${name})${after}`, options);
  return new OffsiteError(
    'OFFSITE_FAILED',
    `${where}: ${name}${failure.message && failure.message !== name ? `: ${failure.message}` : ''}${after}`,
    options,
  );
}

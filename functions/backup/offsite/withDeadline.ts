import { formatDuration } from '../../log/formatDuration.js';
import { OffsiteError } from './offsiteError.js';

/**
 * How long a command waits for the bucket to answer each kind of call: a hung server (it accepts the
 * connection and says nothing) must end a command with a reason, not hold it for ever. A listing reads
 * every page (1,000 keys each), hence its longer limit; a download's limit is for its answer only, its
 * bytes then flow under the SDK's own idle timeout.
 */
export const BUCKET_LIMITS_MS = { record: 15_000, listing: 120_000, answer: 30_000 } as const;

/**
 * Runs one bucket call with a signal aborted after `ms` or by `stop` (Ctrl-C), whichever comes first. The
 * limit ends once the call has answered. A call cut short by the limit throws OFFSITE_UNREACHABLE saying
 * that the server of `where` did not answer in time; one stopped by `stop` throws what the call threw.
 */
export async function withDeadline<Output>(
  ms: number,
  where: string,
  call: (signal: AbortSignal) => Promise<Output>,
  stop?: AbortSignal,
): Promise<Output> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  try {
    return await call(stop ? AbortSignal.any([deadline.signal, stop]) : deadline.signal);
  } catch (error) {
    if (deadline.signal.aborted && !stop?.aborted)
      throw new OffsiteError('OFFSITE_UNREACHABLE', `the server of ${where} did not answer within ${formatDuration(ms)}`, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

import type { BackupBucket } from '../functions/backup/offsite/BackupBucket.js';
import { OffsiteError } from '../functions/backup/offsite/offsiteError.js';
import { PgliteScratch } from '../functions/backup/verify/PgliteScratch.js';
import { ServerScratch } from '../functions/backup/verify/ServerScratch.js';
import { type VerifyResult, verifyBackup } from '../functions/backup/verify/verifyBackup.js';
import type { AgeIdentity } from '../functions/backup/encryption/readIdentityFile.js';
import type { BackupConfig } from '../functions/config/loadConfig.js';
import { chooseRemoteBackups, type RemoteChoice, type RemoteSelection } from './chooseRemoteBackups.js';
import { fetchRemoteBackup, type RemoteCopy } from './fetchRemoteBackup.js';
import { formatVerifyResult } from './formatVerifyResult.js';
import { throwUnlessVerified } from './throwUnlessVerified.js';

/**
 * `db-backup verify --remote [--latest | --all | s3://…]`: the proof of local verify on copies from the
 * bucket, with the bucket's record as the reference (sha256, rows, section digests). Each backup is
 * downloaded to a private temporary file, compared with its record, restored into a scratch database
 * and dumped again; the copy and the scratch database are removed afterwards, also on Ctrl-C. The
 * bucket holds the same ciphertext as the folder: an encrypted backup is decrypted with `flags.identity`,
 * else only its sha256 is checked (UNVERIFIED, not failed). Records nothing in the folder. Exits 1 when any backup fails or could not be verified.
 */
export async function runRemoteVerify(
  url: string | undefined,
  flags: { latest: boolean; all: boolean; json: boolean; server: boolean; latestOf?: string; identity?: AgeIdentity },
  config: BackupConfig,
  io: {
    print: (text: string) => void;
    progress?: (text: string) => void;
    env?: NodeJS.ProcessEnv;
    bucket?: () => BackupBucket | undefined;
  },
): Promise<void> {
  const selection: RemoteSelection = url
    ? { url }
    : flags.all
      ? { all: true }
      : flags.latest
        ? { latest: true, ...(flags.latestOf ? { database: flags.latestOf } : {}) }
        : { newest: true };
  const stop = new AbortController();
  const choices = await chooseRemoteBackups(selection, io.bucket ?? (() => undefined), io.env ?? process.env, {
    command: 'verify --remote',
    toleranceMs: config.policy.clockToleranceMs,
    signal: stop.signal,
    warn: (line) => process.stderr.write(`db-backup: ${line}\n`),
  });
  const scratch = flags.server ? new ServerScratch(config.connection, undefined, config.pgDumpPath) : new PgliteScratch();
  let copy: RemoteCopy | undefined;
  // Interrupted (Ctrl-C, a stop): the copy is removed and the scratch database dropped before the
  // process ends. Once: npm forwards the terminal's Ctrl-C again.
  const interrupted = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    stop.abort();
    process.stderr.write(`\ndb-backup: verify interrupted (${signal}); removing its copy and dropping its scratch database\n`);
    void Promise.all([copy?.remove(), scratch instanceof ServerScratch ? scratch.abandon() : undefined]).finally(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  process.on('SIGINT', interrupted).on('SIGTERM', interrupted);
  const results: VerifyResult[] = [];
  try {
    for (const [index, choice] of choices.entries()) {
      const shown = choice.bucket.url(choice.key);
      io.progress?.(`verifying ${shown} (${index + 1} of ${choices.length})`);
      const result = await verifyOne(choice, scratch, flags.identity, stop.signal, (fetched) => {
        copy = fetched;
      });
      copy = undefined;
      io.progress?.('');
      if (!result) {
        if (!flags.json) io.print(`gone    ${shown}: deleted or archived by a rotation while verify ran`);
        continue;
      }
      results.push(result);
      if (!flags.json) io.print(formatVerifyResult(result));
    }
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  }
  if (flags.json) io.print(JSON.stringify(results, null, 2));
  throwUnlessVerified(results);
}

/** Downloads, compares with the record, proves; the copy removed whatever happens. Undefined when the object is gone. */
async function verifyOne(
  choice: RemoteChoice,
  scratch: PgliteScratch | ServerScratch,
  identity: AgeIdentity | undefined,
  signal: AbortSignal,
  fetched: (copy: RemoteCopy) => void,
): Promise<VerifyResult | undefined> {
  const started = performance.now();
  const url = choice.bucket.url(choice.key);
  const failed = (problem: string, more: Partial<VerifyResult> = {}): VerifyResult => ({
    file: choice.file,
    path: url,
    at: new Date().toISOString(),
    ok: false,
    problems: [problem],
    ...more,
    durationMs: Math.round(performance.now() - started),
  });
  // A listed copy without a record is not offsite yet: nothing says what it should be.
  if (choice.recorded === false)
    return failed(`the bucket has no record of it (records/${choice.file}.json; not offsite yet): it cannot be proven`, {
      unverified: true,
    });
  let copy: RemoteCopy;
  try {
    copy = await fetchRemoteBackup(choice, { signal });
  } catch (error) {
    if (error instanceof OffsiteError && error.code === 'OFFSITE_NOT_FOUND' && choice.recorded !== undefined) return undefined;
    // Nothing says what the copy should be: it fails (the bucket needs attention), and --all goes on.
    if (error instanceof OffsiteError && error.code === 'OFFSITE_RECORD_DAMAGED') return failed(`${error.message}: it cannot be proven`);
    throw error;
  }
  fetched(copy);
  try {
    if (!copy.record) return failed(`the bucket has no record of it (records/${choice.file}.json): it cannot be proven unchanged`);
    if (copy.mismatch) return failed(copy.mismatch);
    const { sha256, contents } = copy.record;
    const result = await verifyBackup(
      copy.path,
      { entry: async () => ({ sha256, ...(contents ? { contents } : {}) }) },
      scratch,
      undefined,
      identity,
    );
    // The user knows the backup by its URL, not by the temporary copy's path.
    return { ...result, path: url, problems: result.problems.map((problem) => problem.replaceAll(copy.path, url)) };
  } finally {
    await copy.remove();
  }
}

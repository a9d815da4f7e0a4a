import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rotationAnswer } from '../functions/backup/BackupAnswer.js';
import type { RotationPlan } from '../functions/backup/retention/planRotation.js';
import { packageRoot } from '../functions/config/packageRoot.js';
import { DataFolder } from '../functions/db/embedded/DataFolder.js';
import { readIdentityFile } from '../functions/backup/encryption/readIdentityFile.js';
import { wireParts } from '../functions/wiring/wireParts.js';
import { ConfigError } from '../functions/config/ConfigError.js';
import { DEFAULTS } from '../functions/config/defaults.js';
import { loadConfig, readTimeZone } from '../functions/config/loadConfig.js';
import { hasDatabaseSettings, requireDatabaseSettings } from '../functions/db/hasDatabaseSettings.js';
import { silentLogger, type Logger } from '../functions/log/Logger.js';
import { formatRotation, summarizeRotation } from './formatRotation.js';
import { formatPreviousDamaged } from './notes/format.js';
import { runRemoteRotateCommand } from './runRemoteRotateCommand.js';
import { runRestoreCommand } from './runRestoreCommand.js';
import { runVerifyCommand } from './runVerifyCommand.js';
import { UsageError } from './UsageError.js';
import { configuredBucket } from './chooseRemoteBackups.js';
import { listRemote } from './listRemote.js';

export interface DbBackupFlags {
  dir?: string;
  now?: string;
  tz?: string;
  dryRun: boolean;
  json: boolean;
  into?: string;
  clean: boolean;
  latest: boolean;
  all: boolean;
  /** With rotate: seconds to wait for a backup or rotation holding the folder (default DEFAULTS.waitSeconds). */
  wait?: string;
  /** With list, rotate, restore --latest and verify: the bucket's backups (BACKUP_S3_URL), not the folder's. */
  remote?: boolean;
  /** With restore and verify: the age identity file that opens encrypted backups (else BACKUP_IDENTITY_FILE). */
  identity?: string;
  /** With create: a real pg_dump, even when the database did not change since the newest backup. */
  full?: boolean;
}

export interface CommandIo {
  env: NodeJS.ProcessEnv;
  print: (text: string) => void;
  /** Progress on a terminal, rewritten in place (restore). */
  progress?: (text: string) => void;
  logger?: Logger;
}

const COMMANDS = ['create', 'rotate', 'list', 'restore', 'verify'] as const;

/**
 * Runs one ops command (`create`, `rotate`, `list`) and prints its result; throws UsageError for a bad
 * command line and BackupError when the work fails. `rotate --dry-run` and `list` change nothing;
 * `rotate` waits up to `--wait` seconds for a backup or rotation that holds the folder; `rotate
 * --remote` rotates the bucket of BACKUP_S3_URL instead.
 */
export async function runDbBackupCommand(input: string[], flags: DbBackupFlags, io: CommandIo): Promise<void> {
  const [command, ...extra] = input;
  if (!command || !COMMANDS.includes(command as (typeof COMMANDS)[number])) {
    throw new UsageError(command ? `unknown command "${command}"; use ${COMMANDS.join(', ')}` : `name a command: ${COMMANDS.join(', ')}`);
  }
  if (command === 'restore' && extra.length + (flags.latest ? 1 : 0) !== 1) {
    throw new UsageError('restore takes one backup: restore <file> --into <postgres-url>, or restore --latest --into <postgres-url>');
  }
  if (command === 'verify' && extra.length > 1) throw new UsageError('verify takes one backup, --latest or --all');
  if (command !== 'restore' && command !== 'verify' && extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (command !== 'verify' && command !== 'restore' && flags.latest) throw new UsageError('--latest goes with verify and restore');
  if (command !== 'verify' && flags.all) throw new UsageError('--all goes with verify');
  if (command !== 'restore' && (flags.into !== undefined || flags.clean)) throw new UsageError('--into and --clean go with restore');
  if (command !== 'restore' && command !== 'verify' && flags.identity !== undefined)
    throw new UsageError('--identity goes with restore and verify');
  if (flags.identity !== undefined && flags.identity.trim() === '')
    throw new UsageError('--identity needs a file (an age identity, from age-keygen)');
  if (command === 'create' && (flags.now || flags.dryRun)) throw new UsageError('create takes neither --now nor --dry-run');
  if (command !== 'create' && flags.full) throw new UsageError('--full goes with create');
  if (flags.remote && command === 'rotate' && (flags.dir !== undefined || flags.wait !== undefined)) {
    throw new UsageError('rotate --remote reads only the bucket of BACKUP_S3_URL: it takes neither --dir nor --wait');
  }
  if (flags.wait !== undefined && (command !== 'rotate' || flags.dryRun)) {
    throw new UsageError('--wait goes with rotate (a dry run takes no lock, so it never waits)');
  }
  if (flags.remote && !['list', 'restore', 'verify', 'rotate'].includes(command))
    throw new UsageError('--remote goes with list, rotate, restore --latest and verify');
  if (flags.remote && extra[0] !== undefined && !extra[0].startsWith('s3://'))
    throw new UsageError(`--remote takes no local file ("${extra[0].slice(0, 60)}"): name a backup in the bucket by its s3:// URL`);
  const now = flags.now === undefined ? undefined : parseInstant(flags.now);
  const waitSeconds = flags.wait === undefined ? DEFAULTS.waitSeconds : parseWait(flags.wait);

  if (flags.dir !== undefined && flags.dir.trim() === '') throw new UsageError('--dir needs a folder');
  // A bad flag is a usage error (2); a bad environment variable a configuration error (1).
  const config = loadConfig(io.env, { backupDir: flags.dir, timeZone: flags.tz === undefined ? undefined : checkTimeZone(flags.tz) });
  // Read once, before anything is touched: a bad identity file fails here, in one line that never shows a key.
  const identityFile = flags.identity ?? config.identityFile;
  const identity =
    (command === 'restore' || command === 'verify') && identityFile
      ? { identity: await readIdentityFile(identityFile, { from: flags.identity === undefined ? 'BACKUP_IDENTITY_FILE' : '--identity' }) }
      : {};
  const parts = wireParts({ config: () => config, logger: io.logger ?? silentLogger, env: io.env });
  // --latest means the configured database's newest backup; without a server, the embedded database's (npm start's data folder).
  const dataFolder = io.env.NOTES_DATA_DIR?.trim() || join(packageRoot(), '.data', 'pglite');
  const latestOf = async () =>
    hasDatabaseSettings(io.env) ? config.connection.database : await new DataFolder(dataFolder).recordedBackupName();
  // From the bucket, a brand-new machine (no server configured, no embedded database) has no database in use.
  const remote = flags.remote || extra[0]?.startsWith('s3://');
  const latestOfRemote = async () => (hasDatabaseSettings(io.env) || existsSync(dataFolder) ? await latestOf() : undefined);
  if (command === 'restore')
    return runRestoreCommand(
      extra[0],
      {
        into: flags.into,
        clean: flags.clean,
        json: flags.json,
        protect: hasDatabaseSettings(io.env),
        latestOf: remote ? await latestOfRemote() : await latestOf(),
        remote: flags.remote,
        ...identity,
      },
      config,
      parts.folder(),
      { ...io, bucket: parts.bucket },
    );
  if (command === 'verify') {
    return runVerifyCommand(
      extra[0],
      {
        latest: flags.latest,
        all: flags.all,
        json: flags.json,
        server: hasDatabaseSettings(io.env),
        remote: flags.remote,
        ...identity,
        ...(flags.latest ? { latestOf: remote ? await latestOfRemote() : await latestOf() } : {}),
      },
      config,
      parts.folder(),
      { ...io, bucket: parts.bucket },
    );
  }
  const show = (value: unknown, text: string) => io.print(flags.json ? JSON.stringify(value, null, 2) : text);

  if (command === 'create') {
    requireDatabaseSettings(io.env);
    const backup = await parts.service().backUp({ full: flags.full === true });
    const made = backup.unchangedSince ? `, unchanged since ${backup.unchangedSince}` : '';
    const damaged = backup.previousDamaged ? `\nwarning: ${formatPreviousDamaged(backup.previousDamaged)}` : '';
    return show(
      backup,
      `created ${backup.file} (${backup.bytes} bytes, ${backup.durationMs} ms${made}, sha256 ${backup.sha256})${damaged}`,
    );
  }
  if (command === 'list' && flags.remote) return listRemote(configuredBucket(parts.bucket(), 'list --remote'), config.policy, now, show);
  if (flags.remote) return runRemoteRotateCommand({ now, dryRun: flags.dryRun, json: flags.json }, config.policy, parts.bucket(), io);
  // The folder must exist: a missing one is said so, not listed as empty.
  await parts.folder().check();
  if (command === 'list' || flags.dryRun) {
    const plan = await parts.rotator().plan(now);
    const heading =
      command === 'list'
        ? `${config.backupDir}: ${summarizeRotation(plan)} if rotated now`
        : `dry run of ${config.backupDir}, nothing changed: ${summarizeRotation(plan)}`;
    // The real database behind each prefix made from an unusual name (`shop-eu--5c0a1b2d3e` is `shop.eu`).
    const databases = Object.entries(await parts.folder().names.read()).filter(([prefix, name]) => prefix !== name);
    const legend = databases.map(([prefix, name]) => `${prefix}_… are backups of the database ${JSON.stringify(name)}`);
    // With list and BACKUP_S3_URL, which backups are offsite there as the local manifest marks them (no bucket call):
    // a copy made to another bucket or prefix (BACKUP_S3_URL changed since) is not.
    const marks = command === 'list' && config.offsite ? await parts.folder().manifest.offsiteCopies(config.offsite) : {};
    const listed = listedFiles(plan);
    const offsite = Object.fromEntries(Object.entries(marks).filter(([file]) => listed.has(file)));
    const column = command === 'list' && config.offsite ? new Set(Object.keys(offsite)) : undefined;
    return show(
      { ...rotationAnswer(plan), databases: Object.fromEntries(databases), ...(command === 'list' ? { offsite } : {}) },
      [heading, formatRotation(plan, column), ...legend].filter(Boolean).join('\n'),
    );
  }
  // What a cron job runs: a backup holding the folder is waited for (bounded), not failed on at once.
  const { rotation, waitedMs } = await parts.service().rotate(now, { waitMs: waitSeconds * 1000 });
  const waited = waitedMs > 0 ? ` after waiting ${(waitedMs / 1000).toFixed(1)} s for a running backup or rotation to end` : '';
  show(
    { ...rotationAnswer(rotation), waitedMs },
    [`rotated ${config.backupDir}${waited}: ${summarizeRotation(rotation)}`, formatRotation(rotation)].filter(Boolean).join('\n'),
  );
}

/** The backups a listing shows by name (kept, archived, deleted, skipped or future-dated), wherever they lie. */
function listedFiles(plan: RotationPlan): Set<string> {
  return new Set([
    ...plan.kept.map((kept) => kept.file),
    ...plan.archived,
    ...plan.deletedFromMain,
    ...plan.deletedFromArchive,
    ...plan.skipped.map((skipped) => skipped.file),
    ...plan.futureDated,
  ]);
}

function parseWait(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > DEFAULTS.maxWaitSeconds) {
    throw new UsageError(`--wait must be a whole number of seconds from 0 to ${DEFAULTS.maxWaitSeconds} (got "${text.slice(0, 20)}")`);
  }
  return Number(text);
}

function checkTimeZone(zone: string): string {
  try {
    return readTimeZone(zone, '--tz');
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

function parseInstant(text: string): Date {
  const iso = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const instant = new Date(text);
  // Date rolls a day that its month lacks over (2026-02-31 becomes March 3rd): the calendar date must exist.
  const [year, month, day] = (iso ?? []).slice(1, 4).map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (!iso || Number.isNaN(instant.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw new UsageError(`--now must be an ISO-8601 instant with a zone, e.g. 2026-11-26T19:00:00Z (got "${text}")`);
  }
  return instant;
}

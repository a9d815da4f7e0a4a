#!/usr/bin/env node
import { DEFAULTS } from '../functions/config/defaults.js';
import { jsonLogger, problemsOnly } from '../functions/log/Logger.js';
import { parseCommandLine } from './parseCommandLine.js';
import { runDbBackupCommand } from './runDbBackupCommand.js';
import { runMain } from './runMain.js';

const HELP = `
  Usage
    $ npm run -s db-backup -- <command> [options]

  Commands
    create [--full]
             Write a new backup now (no rotation): made from the newest backup when the database
             provably did not change since it (said as "unchanged since <file>"), else by pg_dump;
             --full always runs pg_dump
    rotate   Rotate the backup folder: keep, archive, delete by the retention rules
    rotate --remote [--dry-run]
             Rotate the backups in the bucket of BACKUP_S3_URL by the same rules, planned from
             the bucket's own listing (never from the folder); archived objects go to
             <prefix>archive/, and a purged backup takes its record with it. Nothing is archived
             or deleted when this machine's clock and the bucket's (its server's Date) disagree by
             more than BACKUP_CLOCK_TOLERANCE_MS (a dry run still plans, and says so)
    list     Show each backup with the rules that keep it, or what rotation would do to it,
             and (with BACKUP_S3_URL) whether it is offsite in that bucket and prefix or local
             only, as the folder's manifest records it (no bucket call)
    list --remote
             The same for the bucket (BACKUP_S3_URL), every page of it: each backup and archived
             backup's s3:// URL, size, whether its record exists (without one it is not offsite yet)
    restore <file> --into <postgres-url> [--clean] [--identity <file>]
    restore --latest --into <postgres-url> [--clean] [--identity <file>]
             Restore one backup (a path, a name in the folder or its archive, or the newest one
             of the configured database not known bad) into a database, all or nothing: created
             when missing; a non-empty one is refused unless --clean, which restores into a new
             database that replaces it only once the backup restored. A file pg_dump did not
             finish, or one whose SHA256SUMS line does not match, is refused. An encrypted
             backup (.sql.age, .sql.gz.age) is decrypted in the stream with --identity; a
             wrong identity or a damaged file is refused before anything is touched
    restore s3://<bucket>/<key> --into <postgres-url> [--clean] [--identity <file>]
    restore --latest --remote --into <postgres-url> [--clean] [--identity <file>]
             Restore a backup from the bucket: one by its URL (any bucket these credentials may
             read), or the newest with a record of the database in use (of the only database in
             the bucket when none is configured). It is downloaded to a private temporary file
             (removed afterwards; TMPDIR needs room for it) and restored only when its sha256 is
             the one the bucket recorded; a damaged record (not JSON, the wrong shape, another
             backup's) is refused before anything is downloaded. Needs no backup folder:
             BACKUP_S3_URL and the AWS_* variables are enough
    verify [<file> | --latest | --all] [--identity <file>]
             Prove backups: the sha256 and section digests recorded when each was written, then
             a restore into a scratch database (a temporary one on the configured server, else an
             in-memory embedded one) that is dumped again and must give the backup's bytes;
             the newest backup by default. With BACKUP_S3_URL set, each backup's sha256 is also
             checked against the bucket's record: a file changed together with its SHA256SUMS
             line fails; one without a record (not offsite yet), a damaged record or an
             unreachable bucket is said. An encrypted backup is decrypted with --identity;
             without one only its sha256 is checked and it is said UNVERIFIED (not a failure:
             exit 0, nothing recorded against it)
    verify --remote [s3://<bucket>/<key> | --latest | --all] [--identity <file>]
             The same proof for copies in the bucket, downloaded one at a time, with the bucket's
             record as the reference; the newest backup in the bucket by default

  Options
    --dir <folder>   Backup folder (default: $BACKUP_DIR, else api/backups)
    --now <instant>  Rotate or list as if it were this ISO-8601 instant, e.g. 2026-11-26T19:00:00Z
    --tz <zone>      IANA time zone of weeks and months (default: $BACKUP_TZ, else UTC)
    --dry-run        With rotate: print the plan and change nothing
    --wait <secs>    With rotate: wait up to this long for a backup or rotation holding the folder
                     (default: ${DEFAULTS.waitSeconds}, at most ${DEFAULTS.maxWaitSeconds}), then fail; the output says when it waited
    --remote         With list, rotate, restore --latest and verify: the bucket's backups (BACKUP_S3_URL), not the folder's
    --identity <file>
                     With restore and verify: the age identity file (age-keygen's AGE-SECRET-KEY-1…
                     line) that opens encrypted backups (default: $BACKUP_IDENTITY_FILE). Read
                     before anything else; a file that is not one is refused, its contents never shown
    --json           Print JSON instead of text

  create needs DATABASE_URL or the PG* variables; rotate and list read only the folder (with
  --remote only the bucket); restore
  connects only to --into (and never restores over the database of DATABASE_URL without --clean);
  verify creates and drops its scratch database on the configured server (a role that may create
  databases), or uses an embedded one when none is configured. The bucket is reached with the AWS
  SDK's own variables: AWS_ENDPOINT_URL_S3 (S3-compatible servers), AWS_REGION, AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY, or a profile or role.
  Exit status: 0 done (every backup verified, or encrypted and its sha256 as recorded when no
  identity was given), 1 failed (a wrong identity or a damaged encrypted backup too), 2 usage
  error, 130 interrupted
  (Ctrl-C; 143 for SIGTERM) once restore or verify has cleaned up.
`;

await runMain('db-backup', async () => {
  const cli = parseCommandLine('notes-db-backup', HELP, {
    importMeta: import.meta,
    flags: {
      dir: { type: 'string' },
      now: { type: 'string' },
      tz: { type: 'string' },
      dryRun: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      into: { type: 'string' },
      clean: { type: 'boolean', default: false },
      latest: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      wait: { type: 'string' },
      remote: { type: 'boolean', default: false },
      identity: { type: 'string' },
      full: { type: 'boolean', default: false },
    },
  });
  await runDbBackupCommand(cli.input, cli.flags, {
    env: process.env,
    print: (text) => process.stdout.write(`${text}\n`),
    progress: process.stderr.isTTY ? (text) => process.stderr.write(`\r\u001b[2K${text}`) : undefined,
    // Its own line says what was done; the JSON log adds warnings (or everything, with LOG_FILE).
    logger: process.env.LOG_FILE?.trim() ? jsonLogger() : problemsOnly(jsonLogger()),
  });
});

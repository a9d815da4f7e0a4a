#!/usr/bin/env node
// docker compose's one-shot `backup-folder` step, the one container that runs as root: it only makes
// the bind-mounted backup folder writable by the functions' user, before any function starts.
import { handOverFolder } from '../functions/backup/folder/handOverFolder.js';
import { parseCommandLine } from './parseCommandLine.js';
import { runMain } from './runMain.js';
import { UsageError } from './UsageError.js';

const HELP = `
  Usage
    $ node cli/handOverBackupFolder.js <uid>:<gid>

  Run as root, before the functions start as <uid>:<gid> (docker compose: NOTES_UID:NOTES_GID).
  The backup folder (BACKUP_DIR) is
    left as it is      when <uid>:<gid> can already write it (and its archive/);
    handed over        when it is empty and root's (what Docker creates for a missing host folder):
                       chown <uid>:<gid>, mode 700; nothing inside is ever chowned;
    refused (exit 1)   otherwise, unchanged, with the setting or command that fixes it.
  <uid> 0 is refused: the functions never run as root.
`;

await runMain('backup-folder', async () => {
  const cli = parseCommandLine('notes-backup-folder', HELP, { importMeta: import.meta });
  const [owner, ...extra] = cli.input;
  const match = /^(\d+):(\d+)$/.exec(owner ?? '');
  if (!match || extra.length > 0) throw new UsageError(`give the functions' user as <uid>:<gid> (got "${cli.input.join(' ')}")`);
  const dir = process.env.BACKUP_DIR;
  if (!dir) throw new UsageError('BACKUP_DIR names no folder');
  const plan = await handOverFolder(dir, { uid: Number(match[1]), gid: Number(match[2]) });
  process.stdout.write(`${plan.reason}\n`);
});

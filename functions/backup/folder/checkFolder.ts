import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { quote } from 'shlex';
import { BackupFolderMissingError, BackupFolderNotWritableError } from '../errors.js';

/**
 * Checks that the backup folder can take a backup: it exists (it is created only when `create` says
 * so: the checkout's own default folder), is a folder, and this process may write to it. A missing
 * folder is an error, never silently created: it may be a volume that was not mounted, and backups
 * written beside it would land where nobody looks. Its message says both ways out.
 */
export async function checkFolder(dir: string, options: { create?: boolean } = {}): Promise<void> {
  if (options.create) await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await fs.stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!stat) {
    throw new BackupFolderMissingError(
      `the backup folder ${dir} does not exist: create it (mkdir ${quote(dir)}), or mount the volume it is on (BACKUP_DIR, or --dir)`,
    );
  }
  if (!stat.isDirectory()) throw new BackupFolderNotWritableError(`the backup folder ${dir} is not a folder (BACKUP_DIR, or --dir)`);
  try {
    await fs.access(dir, constants.W_OK | constants.X_OK);
  } catch {
    const uid = process.getuid?.();
    throw new BackupFolderNotWritableError(
      `the backup folder ${dir} is not writable by ${uid === undefined ? 'this process' : `uid ${uid}`} (owner uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)}): ` +
        fixFor(dir, stat, uid),
    );
  }
}

/** What lets this process write the folder. Running as root is never the fix: the functions never run as root. */
function fixFor(dir: string, owner: { uid: number; gid: number }, uid: number | undefined): string {
  if (owner.uid === uid) return `let its owner write it (chmod u+rwx ${dir})`;
  const chown = `make it writable for that uid (chown ${uid ?? '<uid>'} ${dir})`;
  if (owner.uid === 0) return chown;
  return `${chown}, or run as its owner (with docker compose: NOTES_UID=${owner.uid} NOTES_GID=${owner.gid})`;
}

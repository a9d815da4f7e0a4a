import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { BackupFolderNotWritableError } from '../errors.js';
import { BackupFolder } from './BackupFolder.js';
import { type FolderFacts, type FolderHandoverPlan, type FunctionsUser, planFolderHandover } from './planFolderHandover.js';

/** Whether `user` may create and remove entries in the folder `path`. */
export type WriteProbe = (path: string, user: FunctionsUser) => Promise<boolean>;

/**
 * Asks the kernel, as `user` (a child process with that uid and gid and no supplementary groups, as the
 * functions run): ACLs, read-only mounts and group bits count, as they do for the functions.
 */
export const probeAsUser: WriteProbe = (path, user) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', `require('fs').accessSync(process.argv[1], ${constants.W_OK | constants.X_OK})`, path], {
      uid: user.uid,
      gid: user.gid,
      cwd: '/',
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code === 0));
  });

async function factsOf(folder: BackupFolder, user: FunctionsUser, probe: WriteProbe): Promise<FolderFacts> {
  const stat = await fs.stat(folder.dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const base = { dir: folder.dir, ownerUid: stat?.uid ?? 0, ownerGid: stat?.gid ?? 0, mode: (stat?.mode ?? 0) & 0o777 };
  if (!stat?.isDirectory()) return { ...base, kind: stat ? 'not-a-folder' : 'missing', entries: 0, notWritable: [] };
  const entries = await fs.readdir(folder.dir);
  const archive = await fs.stat(folder.archiveDir).catch(() => undefined);
  const notWritable: string[] = [];
  for (const path of [folder.dir, ...(archive?.isDirectory() ? [folder.archiveDir] : [])]) {
    if (!(await probe(path, user))) notWritable.push(path);
  }
  return { ...base, kind: 'folder', entries: entries.length, notWritable };
}

/**
 * Makes the backup folder writable by the functions' user before any function starts, run as root
 * (docker compose's one-shot `backup-folder` step): an empty folder of root's (what Docker creates
 * for a missing host folder) is chowned to the user, mode 0700; a folder the user can already write is
 * left as it is; anything else is left untouched and refused (BackupFolderNotWritableError, saying the
 * fix). Never changes what the folder holds. Returns the plan it carried out.
 */
export async function handOverFolder(dir: string, user: FunctionsUser, probe: WriteProbe = probeAsUser): Promise<FolderHandoverPlan> {
  const folder = new BackupFolder(dir);
  const plan = planFolderHandover(await factsOf(folder, user, probe), user);
  if (plan.action === 'refuse') throw new BackupFolderNotWritableError(plan.reason);
  if (plan.action === 'hand-over') {
    await fs.chown(folder.dir, user.uid, user.gid);
    await fs.chmod(folder.dir, 0o700);
    // A file system may ignore chown (a root-squashing NFS export, some Docker Desktop mounts): say so here.
    if (!(await probe(folder.dir, user))) {
      throw new BackupFolderNotWritableError(`${folder.dir} was handed to ${user.uid}:${user.gid}, yet that user still cannot write it`);
    }
  }
  return plan;
}

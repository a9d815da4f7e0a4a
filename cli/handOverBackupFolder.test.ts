import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../test/support/apiProcess.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';

/** Runs the built entry of compose's `backup-folder` step, as root (this test's uid), on `dir`. */
async function handOver(dir: string, owner: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli/handOverBackupFolder.js'), owner], {
      env: { ...process.env, BACKUP_DIR: dir },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const ownership = async (path: string) => {
  const { uid, gid, mode } = await stat(path);
  return { uid, gid, mode: (mode & 0o7777).toString(8) };
};

// chown needs root: CI runs as root, as compose's step does.
(process.getuid?.() === 0 ? describe : describe.skip)('the backup-folder step (cli/handOverBackupFolder.js, run as root)', () => {
  let parent: string;
  let dir: string;
  beforeEach(async () => {
    parent = await tempFolder();
    // The functions' user must be able to reach the folder, as in the container (/api is 755).
    await chmod(parent, 0o755);
    dir = join(parent, 'backups');
  });
  afterEach(() => removeFolder(parent));

  it("hands an empty folder of root's (what Docker makes for a missing host folder) to the user, mode 700; a second run leaves it", async () => {
    await mkdir(dir, { mode: 0o755 });

    const first = await handOver(dir, '1000:1000');
    const second = await handOver(dir, '1000:1000');

    expect(first).toEqual({
      code: 0,
      stdout: `${dir} was empty and root's (owner 0:0, mode 755): handed to 1000:1000, mode 700\n`,
      stderr: '',
    });
    expect(await ownership(dir)).toEqual({ uid: 1000, gid: 1000, mode: '700' });
    expect(second).toEqual({ code: 0, stdout: `${dir} is writable by 1000:1000 (owner 1000:1000, mode 700): left as it is\n`, stderr: '' });
  });

  it('leaves a folder the user can write through its group as it is, and what it holds', async () => {
    await mkdir(dir);
    await chown(dir, 0, 1000);
    await chmod(dir, 0o775);
    await writeFile(join(dir, 'notes.sql'), 'x', { mode: 0o600 });

    const result = await handOver(dir, '1000:1000');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('left as it is');
    expect(await ownership(dir)).toEqual({ uid: 0, gid: 1000, mode: '775' });
    expect(await ownership(join(dir, 'notes.sql'))).toEqual({ uid: 0, gid: 0, mode: '600' });
  });

  it.each([
    ["another user's backups", 1001, 1002, 'run the functions as its owner (NOTES_UID=1001 NOTES_GID=1002), or give it'],
    [
      "root's backups (written with NOTES_UID=0)",
      0,
      0,
      'left as it is: give it and what it holds to 1000:1000 yourself: chown -R 1000:1000 <host folder>',
    ],
  ])('refuses a folder holding %s, and changes nothing', async (_, uid, gid, fix) => {
    await mkdir(dir);
    await writeFile(join(dir, 'notes.sql'), 'x', { mode: 0o600 });
    await mkdir(join(dir, 'archive'), { mode: 0o700 });
    for (const path of [dir, join(dir, 'notes.sql'), join(dir, 'archive')]) await chown(path, uid, gid);
    await chmod(dir, 0o700);

    const result = await handOver(dir, '1000:1000');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^backup-folder: (\S+) and \1\/archive are not writable by 1000:1000 \(owner \d+:\d+, mode 700, 2 entries inside\) and left as it is: /,
    );
    expect(result.stderr).toContain(fix);
    expect(result.stderr).not.toContain('NOTES_UID=0');
    expect(await ownership(dir)).toEqual({ uid, gid, mode: '700' });
    expect(await ownership(join(dir, 'notes.sql'))).toEqual({ uid, gid, mode: '600' });
    expect(await ownership(join(dir, 'archive'))).toEqual({ uid, gid, mode: '700' });
  });

  it.each([
    ['0:0', 1, 'backup-folder: the functions never run as root: NOTES_UID must be an unprivileged uid (default 1000)\n'],
    ['1000', 2, 'backup-folder: give the functions\' user as <uid>:<gid> (got "1000")\n'],
  ])('refuses the user %s, and changes nothing', async (owner, code, stderr) => {
    await mkdir(dir, { mode: 0o755 });

    const result = await handOver(dir, owner);

    expect(result).toEqual({ code, stdout: '', stderr });
    expect(await ownership(dir)).toEqual({ uid: 0, gid: 0, mode: '755' });
  });
});

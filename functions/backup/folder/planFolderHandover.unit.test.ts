import { describe, expect, it } from '@jest/globals';
import { type FolderFacts, planFolderHandover } from './planFolderHandover.js';

const DIR = '/api/backups';
const ARCHIVE = '/api/backups/archive';
const USER = { uid: 1000, gid: 1000 };
/** What rootful Docker creates for a bind mount whose host folder is missing. */
const dockerMade: FolderFacts = { dir: DIR, kind: 'folder', ownerUid: 0, ownerGid: 0, mode: 0o755, entries: 0, notWritable: [DIR] };
const HOST = '<host folder> (NOTES_BACKUP_DIR, default api/backups)';

describe("planFolderHandover (which backup folders the compose step hands to the functions' user)", () => {
  it.each<[string, Partial<FolderFacts>, { uid: number; gid: number }, string, string]>([
    [
      "an empty folder of root's (a fresh clone)",
      {},
      USER,
      'hand-over',
      `${DIR} was empty and root's (owner 0:0, mode 755): handed to 1000:1000, mode 700`,
    ],
    [
      "an empty folder of root's, for another NOTES_UID",
      { mode: 0o700 },
      { uid: 1234, gid: 100 },
      'hand-over',
      `${DIR} was empty and root's (owner 0:0, mode 700): handed to 1234:100, mode 700`,
    ],
    [
      'a folder the user already writes (its owner)',
      { ownerUid: 1000, ownerGid: 1000, mode: 0o700, entries: 3, notWritable: [] },
      USER,
      'leave',
      `${DIR} is writable by 1000:1000 (owner 1000:1000, mode 700): left as it is`,
    ],
    [
      "a folder of root's the user writes through its group",
      { ownerGid: 1000, mode: 0o2775, entries: 0, notWritable: [] },
      USER,
      'leave',
      `${DIR} is writable by 1000:1000 (owner 0:1000, mode 775): left as it is`,
    ],
    [
      "a folder of root's holding backups (NOTES_UID=0 was used)",
      { mode: 0o700, entries: 4 },
      USER,
      'refuse',
      `${DIR} is not writable by 1000:1000 (owner 0:0, mode 700, 4 entries inside) and left as it is: give it and what it holds to 1000:1000 yourself: chown -R 1000:1000 ${HOST}`,
    ],
    [
      "a folder of another user's, even empty",
      { ownerUid: 1001, ownerGid: 1001, entries: 0 },
      USER,
      'refuse',
      `${DIR} is not writable by 1000:1000 (owner 1001:1001, mode 755) and left as it is: run the functions as its owner (NOTES_UID=1001 NOTES_GID=1001), or give it and what it holds to 1000:1000 yourself: chown -R 1000:1000 ${HOST}`,
    ],
    [
      'a writable folder whose archive/ is not',
      { ownerUid: 1000, ownerGid: 1000, mode: 0o700, entries: 2, notWritable: [ARCHIVE] },
      USER,
      'refuse',
      `${ARCHIVE} is not writable by 1000:1000 (owner 1000:1000, mode 700, 2 entries inside) and left as it is: let its owner write it: chmod u+rwx ${HOST}`,
    ],
    [
      "a folder of the user's own it may not write",
      { ownerUid: 1000, ownerGid: 1000, mode: 0o500, entries: 1 },
      USER,
      'refuse',
      `${DIR} is not writable by 1000:1000 (owner 1000:1000, mode 500, 1 entry inside) and left as it is: let its owner write it: chmod u+rwx ${HOST}`,
    ],
    [
      'no folder (no volume mounted)',
      { kind: 'missing', notWritable: [] },
      USER,
      'refuse',
      `the backup folder ${DIR} does not exist; is the volume mounted?`,
    ],
    [
      'a file where the folder should be',
      { kind: 'not-a-folder', notWritable: [] },
      USER,
      'refuse',
      `the backup folder ${DIR} is not a folder`,
    ],
    [
      "root as the functions' user (NOTES_UID=0), even for a folder root may write",
      { notWritable: [] },
      { uid: 0, gid: 0 },
      'refuse',
      'the functions never run as root: NOTES_UID must be an unprivileged uid (default 1000)',
    ],
  ])('%s', (_, facts, user, action, reason) => {
    const plan = planFolderHandover({ ...dockerMade, ...facts }, user);

    expect(plan).toEqual({ action, reason });
  });

  it("hands over only empty folders of root's, and never suggests running as root", () => {
    const owners = [0, 1000, 1001];
    for (const ownerUid of owners) {
      for (const entries of [0, 5]) {
        for (const notWritable of [[], [DIR], [DIR, ARCHIVE]]) {
          const plan = planFolderHandover({ ...dockerMade, ownerUid, entries, notWritable }, USER);

          expect(plan.action === 'hand-over').toBe(ownerUid === 0 && entries === 0 && notWritable.length > 0);
          expect(plan.action === 'leave').toBe(notWritable.length === 0);
          expect(plan.reason).not.toMatch(/NOTES_UID=0\b/);
        }
      }
    }
  });
});

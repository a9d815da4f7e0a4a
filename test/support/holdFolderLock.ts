import { withFolderLock } from '../../functions/backup/folder/withFolderLock.js';

/**
 * Takes the backup folder's lock, as another process's run would, and holds it until `release()`;
 * resolves once the lock is held; `release()` resolves once it is given up again.
 */
export async function holdFolderLock(dir: string): Promise<{ release: () => Promise<void> }> {
  let free!: () => void;
  let taken!: () => void;
  const lockTaken = new Promise<void>((resolve) => (taken = resolve));
  const held = withFolderLock(dir, () => {
    taken();
    return new Promise<void>((resolve) => (free = resolve));
  });
  await Promise.race([lockTaken, held]);
  return {
    release: async () => {
      free();
      await held;
    },
  };
}

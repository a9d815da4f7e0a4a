import * as fs from 'node:fs/promises';

/** Another live process holds the lock. */
export class LockHeldError extends Error {
  constructor(readonly holder: number) {
    super(`held by process ${holder}`);
    this.name = 'LockHeldError';
  }
}

/**
 * Takes a lock on this machine held for as long as this process lives: `path` holds the holder's pid.
 * A lock whose holder has died is taken over at once; one held by a live process — busy, stopped with
 * Ctrl-Z, or suspended — never is (a lock that expires while its holder is merely stopped lets a second
 * process open the same embedded database, and the two overwrite each other's data). Throws
 * LockHeldError naming the holder. Returns the release function.
 */
export async function lockForThisProcess(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await fs.writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await holderOf(path);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) throw new LockHeldError(holder);
      // Its holder died (or died between creating and writing it): take it over.
      await fs.rm(path, { force: true });
      continue;
    }
    // Two processes taking over the same dead lock at once may remove each other's new file: the one
    // whose pid is not there a moment later lost.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const holder = await holderOf(path);
    if (holder !== process.pid) {
      if (holder !== undefined && isAlive(holder)) throw new LockHeldError(holder);
      continue;
    }
    return async () => {
      if ((await holderOf(path)) === process.pid) await fs.rm(path, { force: true });
    };
  }
  throw new Error(`could not take the lock ${path}`);
}

async function holderOf(path: string): Promise<number | undefined> {
  const text = await fs.readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

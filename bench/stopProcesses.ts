import type { ChildProcess } from 'node:child_process';

/** Stops each process by its pid (SIGTERM) and waits for it to exit, so that what it writes at exit (a CPU profile) is written. */
export async function stopProcesses(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null) return;
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await ended;
    }),
  );
}

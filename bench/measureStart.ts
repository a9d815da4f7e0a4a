import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../functions/config/packageRoot.js';

/** The pid of the `npm start` process (node running dist/cli/start.js) whose data folder is `dataDir`. */
async function startPid(dataDir: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    // The app names itself `notes-start` (process.title); `script` and its shell carry start.js in their arguments.
    if (cmdline.startsWith('notes-start') && environ.includes(`NOTES_DATA_DIR=${dataDir}\0`)) return Number(entry);
  }
  return undefined;
}

/**
 * `npm start` on the embedded database, in a terminal (`script`), `rounds` times: the first start (a
 * new data folder each round) and a later one (the same folder again), each to its prompt, with the
 * peak resident memory of the process at that moment. Then `exit` (the backup is not measured here).
 */
export async function measureStart(work: string, rounds: number): Promise<Record<string, number[]>> {
  const results: Record<string, number[]> = {};
  const record = (name: string, value: number) => (results[name] ??= []).push(value);
  for (let round = 0; round < rounds; round++) {
    const folder = join(work, `start-${round}`);
    await rm(folder, { recursive: true, force: true });
    await mkdir(join(folder, 'backups'), { recursive: true });
    for (const which of ['first', 'later']) {
      const dataDir = join(folder, 'pglite');
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        TERM: 'dumb',
        NO_COLOR: '1',
        NOTES_DATA_DIR: dataDir,
        BACKUP_DIR: join(folder, 'backups'),
      };
      for (const name of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD']) delete env[name];
      const started = performance.now();
      const child = spawn('script', ['-qfec', `'${process.execPath}' '${join(packageRoot(), 'dist/cli/start.js')}'`, '/dev/null'], { env });
      let output = '';
      await new Promise<void>((resolve) => {
        let prompted = false;
        child.stdout.on('data', async (chunk) => {
          output += chunk;
          if (prompted || !output.includes('notes> ')) return;
          prompted = true;
          record(`npm start, ${which} run: to the prompt`, performance.now() - started);
          const pid = await startPid(dataDir);
          const status = pid ? await readFile(`/proc/${pid}/status`, 'utf8') : '';
          record(`npm start, ${which} run: peak RSS at the prompt (MB)`, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
          child.stdin.write('exit\r');
        });
        child.on('close', () => resolve());
      });
    }
  }
  return results;
}

import { execFileSync, spawn } from 'node:child_process';
import { chownSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './standInServers.js';
import { tempFolder } from './tempFolder.js';

/**
 * A brand-new PostgreSQL server for one test (`initdb` into a temp folder, started on a free port,
 * trust auth): the disaster-recovery target, with none of the original server's roles. initdb refuses
 * to run as root, so as root it runs as the `postgres` user. `settings`: more `-c` settings of the server.
 */
export async function startThrowAwayServer(
  settings: Record<string, string> = {},
): Promise<{ url: (database?: string) => string; stop: () => Promise<void> }> {
  const folder = await tempFolder('notes-throwaway-pg-');
  const asRoot = userInfo().uid === 0;
  if (asRoot) chownSync(folder, uidOf('postgres'), gidOf('postgres'));
  const run = (command: string, args: string[]) =>
    asRoot
      ? (['setpriv', ['--reuid=postgres', '--regid=postgres', '--clear-groups', command, ...args]] as const)
      : ([command, args] as const);
  const data = join(folder, 'data');
  const [initdb, initdbArgs] = run('initdb', ['--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C.UTF-8', '-D', data]);
  execFileSync(initdb, [...initdbArgs], { stdio: 'ignore' });
  const port = await closedPort();
  const [postgres, postgresArgs] = run('postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    folder,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ]);
  const server = spawn(postgres, [...postgresArgs], { stdio: 'ignore' });
  const url = (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      break;
    } catch {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error('the throw-away PostgreSQL server did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    stop: async () => {
      if (server.exitCode === null) {
        const ended = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGINT'); // fast shutdown
        await ended;
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
}

const uidOf = (user: string) => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
const gidOf = (user: string) => Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../functions/config/packageRoot.js';

export interface Api {
  url: string;
  dir: string;
  pid: number;
  /** The API's log events (JSON lines on its stderr) since they were last cleared. */
  events: Record<string, unknown>[];
}

/** The local gateway as a process of its own (as in production), serving the database at `url` with backups in `dir`. */
export async function startApi(
  url: string,
  dir: string,
  env: Record<string, string>,
  started: ChildProcess[],
  nodeArgs: string[],
): Promise<Api> {
  const gateway = spawn(process.execPath, [...nodeArgs, join(packageRoot(), 'dist/gateway/main.js'), '--port', '0'], {
    env: { ...process.env, ...env, DATABASE_URL: url, BACKUP_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(gateway);
  const events: Record<string, unknown>[] = [];
  let partial = '';
  gateway.stderr.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        process.stderr.write(`${line}\n`);
      }
    }
  });
  const apiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    gateway.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening`)));
    gateway.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
  });
  return { url: apiUrl, dir, pid: gateway.pid!, events };
}

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../functions/config/packageRoot.js';

/**
 * Runs the real `notes` binary in a terminal (`script`) `rounds` times against `apiUrl`: the time to
 * its prompt, and the time from typing `exit` to the process ending minus the backup request's own
 * duration (read from the API's request log), i.e. what the CLI itself adds to leaving.
 */
export async function measureCli(apiUrl: string, rounds: number, apiLog: () => string): Promise<Record<string, number[]>> {
  const startup: number[] = [];
  const exitOverhead: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const command = `'${process.execPath}' '${join(packageRoot(), 'dist/cli/notes.js')}' --api-url ${apiUrl}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, TERM: 'dumb', NO_COLOR: '1' } });
    let output = '';
    let exitTyped = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (!exitTyped && output.includes('notes> ')) {
          startup.push(performance.now() - started);
          exitTyped = performance.now();
          child.stdin.write('exit\r');
        }
      });
      child.on('close', () => resolve());
    });
    const leaving = performance.now() - exitTyped;
    const posts = apiLog()
      .split('\n')
      // The app asks `/db-backup?wait=…`: the path with its query string.
      .filter((line) => line.includes('"path":"/db-backup') && line.includes('"event":"request"'));
    const backupMs = JSON.parse(posts.at(-1)!).durationMs as number;
    exitOverhead.push(leaving - backupMs);
  }
  return { 'notes: start-up to the prompt': startup, 'notes: leaving, minus the backup itself': exitOverhead };
}

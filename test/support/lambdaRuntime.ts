import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './apiProcess.js';

/** The real aws-lambda-ric, built by `npm ci --prefix docker/lambda-runtime` (it compiles native code). */
export const RIC_BIN = join(ROOT, 'docker/lambda-runtime/node_modules/aws-lambda-ric/bin/index.mjs');

export const ricInstalled = () => existsSync(join(ROOT, 'docker/lambda-runtime/node_modules/aws-lambda-ric/dist/rapid-client.node'));

/** Runs the real runtime interface client for `handler` in `taskRoot`, polling the Runtime API at `runtimeApi`. */
export function startRuntimeClient(
  taskRoot: string,
  handler: string,
  runtimeApi: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [RIC_BIN, handler], {
    cwd: taskRoot,
    env: { ...process.env, ...env, AWS_LAMBDA_RUNTIME_API: runtimeApi, LAMBDA_TASK_ROOT: taskRoot, _HANDLER: handler },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

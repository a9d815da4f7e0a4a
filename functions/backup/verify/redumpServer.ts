import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type DatabaseConnection, redactSecrets } from '../../db/databaseConnection.js';
import { pgDumpEnvironment } from '../dump/pgDumpEnvironment.js';
import { type DumpFacts, DumpScanner } from '../sql/DumpScanner.js';

/**
 * Dumps a database with pg_dump as backups are dumped (plain SQL, no compression: compression does not
 * change the SQL) and scans the output as it streams, without writing it anywhere. Returns its facts.
 */
export async function redumpServer(
  connection: DatabaseConnection,
  pgDumpPath: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DumpFacts> {
  const pgDump = spawn(pgDumpPath, ['--format=plain', '--no-password', ...connection.dumpArgs], {
    env: pgDumpEnvironment(env, connection),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  pgDump.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-16 * 1024)));
  const exited = once(pgDump, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const scanner = new DumpScanner();
  try {
    for await (const chunk of pgDump.stdout) scanner.push(chunk as Buffer);
  } catch (error) {
    pgDump.kill();
    throw error;
  }
  const [code, signal] = await exited;
  if (code !== 0) {
    const reason = redactSecrets(stderr.trim().split('\n').at(-1) ?? '', connection) || `exit ${code ?? signal}`;
    throw new Error(`dumping the restored database again failed: ${reason}`);
  }
  return scanner.end();
}

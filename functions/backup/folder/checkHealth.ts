import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { BackupStatus, type LastAttempt } from './BackupStatus.js';

export interface Health {
  healthy: boolean;
  backupDir: { writable: boolean; error?: string };
  lastAttempt: LastAttempt | null;
  problems: string[];
}

/**
 * Checks the backup folder: can a file be written there now, and did the last backup attempt succeed
 * (from the status file every backup run leaves). Writes and removes one small probe file.
 */
export async function checkHealth(dir: string): Promise<Health> {
  const probe = join(dir, `.health-probe-${randomUUID()}`);
  let writable = true;
  let error: string | undefined;
  try {
    await fs.writeFile(probe, 'ok', { flag: 'wx', mode: 0o600 });
  } catch (caught) {
    writable = false;
    error = (caught as NodeJS.ErrnoException).code ?? (caught as Error).message;
  } finally {
    await fs.rm(probe, { force: true });
  }
  const lastAttempt = (await new BackupStatus(dir).read()) ?? null;
  const problems = [
    ...(writable ? [] : [`the backup folder is not writable (${error})`]),
    ...(lastAttempt && !lastAttempt.ok ? [`the last backup failed: ${lastAttempt.error?.message ?? 'unknown error'}`] : []),
  ];
  return { healthy: problems.length === 0, backupDir: { writable, ...(error ? { error } : {}) }, lastAttempt, problems };
}

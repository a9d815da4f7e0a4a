import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './apiProcess.js';

/** The names node-pg-migrate records for the files of `migrations/`, in the order they are applied. */
export function migrationNames(): string[] {
  return readdirSync(join(ROOT, 'migrations'))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.replace(/\.sql$/, ''))
    .sort();
}

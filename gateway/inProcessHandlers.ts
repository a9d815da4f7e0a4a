import type { Handler } from 'aws-lambda';
import { createBackupStatusHandler } from '../functions/backup-status/handler.js';
import { createDbBackupHandler } from '../functions/db-backup/handler.js';
import { createNotesHandler } from '../functions/notes/handler.js';
import type { Parts } from '../functions/wiring/wireParts.js';

/** Every function of template.yaml, by name, made from the given parts to run inside this process. */
export function inProcessHandlers(parts: Parts): Map<string, Handler> {
  return new Map<string, Handler>([
    ['DbBackupFunction', createDbBackupHandler(parts)],
    ['BackupStatusFunction', createBackupStatusHandler(parts)],
    ['NotesFunction', createNotesHandler(parts)],
  ]);
}

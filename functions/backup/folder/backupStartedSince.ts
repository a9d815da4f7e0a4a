import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import type { Backup } from '../dump/BackupCreator.js';
import { ARCHIVE_FOLDER } from '../retention/BackupRotator.js';
import { backupPrefix, parseBackupFileName } from '../retention/backupFileName.js';
import { BackupManifest } from './BackupManifest.js';
import { regularFilesIn } from './folderFiles.js';

/**
 * The first complete backup of `database` in `dir` that started between `since` and `now` (its name
 * records when it started, whichever process wrote it), as the creator described it: what a request
 * that arrived at `since` and waited for the folder can be answered with. A name after `now` is no
 * such backup (a clock that ran ahead wrote it). Undefined when there is none. Called under the
 * folder's lock, so a backup it finds is whole.
 */
export async function backupStartedSince(dir: string, database: string, since: Date, now: Date): Promise<Backup | undefined> {
  const prefix = backupPrefix(database);
  const started = (at: Date) => at.getTime() >= since.getTime() && at.getTime() <= now.getTime();
  const first = (await regularFilesIn(dir))
    .map((name) => parseBackupFileName(name))
    .filter((parsed) => parsed !== undefined && parsed.database === prefix && started(parsed.takenAt))
    .sort((a, b) => a!.takenAt.getTime() - b!.takenAt.getTime())[0];
  if (!first) return undefined;
  const path = join(dir, first.file);
  const entry = await new BackupManifest(dir, join(dir, ARCHIVE_FOLDER)).entry(first.file).catch(() => ({}) as const);
  return {
    file: first.file,
    path,
    bytes: (await fs.stat(path)).size,
    sha256: 'sha256' in entry && entry.sha256 ? entry.sha256 : '',
    startedAt: first.takenAt.toISOString(),
    durationMs: 'durationMs' in entry && typeof entry.durationMs === 'number' ? entry.durationMs : 0,
    contents: 'contents' in entry && entry.contents ? entry.contents : { rows: {}, largeObjects: 0 },
  };
}

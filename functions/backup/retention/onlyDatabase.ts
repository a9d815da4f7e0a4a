import { basename } from 'node:path';
import { parseBackupFileName, safeDatabaseName } from './backupFileName.js';

/** The lists of a rotation plan or result; paths are relative to the backup folder. */
interface BackupLists {
  kept: { file: string }[];
  archived: string[];
  deleted: string[];
  stalePartials: string[];
  skipped?: { file: string }[];
}

/**
 * Narrows a rotation plan or result to the backups of one database (files are grouped by the
 * database part of their names; several databases may share a folder). Returns a new object.
 */
export function onlyDatabase<T extends BackupLists>(lists: T, database: string): T {
  const prefix = safeDatabaseName(database);
  const ours = (path: string) => parseBackupFileName(basename(path).replace(/\.partial$/, ''))?.database === prefix;
  return {
    ...lists,
    kept: lists.kept.filter(({ file }) => ours(file)),
    archived: lists.archived.filter(ours),
    deleted: lists.deleted.filter(ours),
    stalePartials: lists.stalePartials.filter(ours),
    ...(lists.skipped ? { skipped: lists.skipped.filter(({ file }) => ours(file)) } : {}),
  };
}

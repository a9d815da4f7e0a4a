import { UsageError } from '../../UsageError.js';
import type { ApiClient } from '../ApiClient.js';
import { CommandError } from '../CommandError.js';

/** The id of the folder at `path`; `/` means no folder (the top level). */
export async function folderId(api: ApiClient, path: string): Promise<number | null> {
  if (path.trim() === '/') return null;
  const wanted = splitPath(path).join('/');
  const folder = (await api.listFolders()).find((candidate) => candidate.path === wanted);
  if (!folder) throw new CommandError(`no folder "${wanted}" (folders lists them)`);
  return folder.id;
}

/** The names of a folder path typed by the user (`home/groceries`, blanks and extra slashes dropped); none is a UsageError. */
export function splitPath(path: string): string[] {
  const parts = path
    .split('/')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError('a folder path needs at least one name, e.g. home or home/groceries');
  return parts;
}

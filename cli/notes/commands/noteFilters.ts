import { suggest } from '../../suggest.js';
import type { ApiClient } from '../ApiClient.js';
import type { CommandFlags } from '../Command.js';
import { CommandError } from '../CommandError.js';
import { folderId, splitPath } from './folderId.js';

/** `--folder` as the id the API filters by and the path an empty answer names (`/`, no folder: no filter), and `--tag`. */
export async function noteFilters(api: ApiClient, flags: CommandFlags): Promise<{ folderId?: number; folder?: string; tag?: string }> {
  const id = flags.folder === undefined ? null : await folderId(api, flags.folder);
  return id === null ? { tag: flags.tag } : { folderId: id, folder: splitPath(flags.folder!).join('/'), tag: flags.tag };
}

/**
 * Throws a CommandError when `tag` is given and no note has it, like an unknown folder: naming the
 * closest tag that exists (`Sport` for `sport`: tags are case-sensitive). There is no tags route: the
 * tags are those of GET /notes. Asked only when a filter found nothing.
 */
export async function requireKnownTag(api: ApiClient, tag: string | undefined): Promise<void> {
  if (tag === undefined) return;
  const known = [...new Set((await api.listNotes()).flatMap((note) => note.tags))];
  if (known.includes(tag)) return;
  const closest = suggest(tag, known);
  throw new CommandError(closest ? `no tag "${tag}"; did you mean "${closest}"?` : `no tag "${tag}" (notes lists the tags of each note)`);
}

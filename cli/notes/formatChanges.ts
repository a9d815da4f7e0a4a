import type { FolderRemoval, NotesMove, TagEdit } from '../../functions/notes/NotesStore.js';
import { counted } from '../counted.js';
import { printable } from '../printable.js';
import { quoteTag } from './format.js';

/*
 * One line per change, saying exactly what it changed: the API did all of it (or, having failed, none
 * of it, and its error says so).
 */

/** `note 1: added x; already had y; removed z; tags now: x, y`. */
export function formatTagEdit({ note, added, alreadyHad, removed }: TagEdit): string {
  const tags = (list: string[]) => list.map(quoteTag).join(', ');
  const changes = [
    ...(added.length > 0 ? [`added ${tags(added)}`] : []),
    ...(alreadyHad.length > 0 ? [`already had ${tags(alreadyHad)}`] : []),
    ...(removed.length > 0 ? [`removed ${tags(removed)}`] : []),
  ];
  return `note ${note.id}: ${changes.join('; ')}; tags now: ${note.tags.length > 0 ? tags(note.tags) : 'none'}`;
}

/** `moved to work: note 1 from home, notes 2 and 4 from no folder; note 3 was already there`. */
export function formatMove({ to, moved, alreadyThere }: NotesMove): string {
  const where = to ? printable(to.path) : 'no folder';
  const wereThere = `${notes(alreadyThere)} ${alreadyThere.length === 1 ? 'was' : 'were'} already`;
  if (moved.length === 0) return `nothing moved: ${wereThere} in ${where}`;
  const bySource = new Map<string | null, number[]>();
  for (const { id, from } of moved) bySource.set(from, [...(bySource.get(from) ?? []), id]);
  const groups = [...bySource].map(([from, ids]) => `${notes(ids)} from ${from === null ? 'no folder' : printable(from)}`);
  return `moved to ${where}: ${groups.join(', ')}${alreadyThere.length > 0 ? `; ${wereThere} there` : ''}`;
}

/** `removed folder home and 2 sub-folders; 3 notes are now without a folder`. */
export function formatFolderRemoval({ path, subFolders, unfiledNotes }: FolderRemoval): string {
  const removed = `removed folder ${printable(path)}${subFolders.length > 0 ? ` and ${counted(subFolders.length, 'sub-folder')}` : ''}`;
  const left =
    unfiledNotes.length === 0
      ? `no notes were in ${subFolders.length > 0 ? 'them' : 'it'}`
      : `${counted(unfiledNotes.length, 'note')} ${unfiledNotes.length === 1 ? 'is' : 'are'} now without a folder`;
  return `${removed}; ${left}`;
}

/** `note 1`, `notes 2 and 4`, `notes 2, 4 and 5`. */
function notes(ids: number[]): string {
  const list = ids.length === 1 ? String(ids[0]) : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
  return `${ids.length === 1 ? 'note' : 'notes'} ${list}`;
}

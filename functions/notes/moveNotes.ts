import type { Queryable } from '../db/inTransaction.js';
import { NotFoundError } from './errors.js';
import { NOTE_SQL } from './noteSql.js';
import { quotedList } from './quotedList.js';

/** What a move changed: where the notes went, each moved note with the folder it came from, and those already there. */
export interface NotesMove {
  /** The folder the notes are in now; null: no folder. */
  to: { id: number; path: string } | null;
  moved: { id: number; from: string | null }[];
  alreadyThere: number[];
}

/**
 * Moves the notes `ids` into folder `folderId` (null: out of any folder), inside the caller's
 * transaction. Throws NotFoundError naming every id that is not a note, or the folder when it does not
 * exist: the caller rolls back, so nothing is moved. `ids` are distinct (checked at the edge).
 */
export async function moveNotes(tx: Queryable, ids: number[], folderId: number | null): Promise<NotesMove> {
  let to: NotesMove['to'] = null;
  if (folderId !== null) {
    // Locked against removal until the move commits.
    const { rows } = await tx.query<{ path: string }>(
      `${NOTE_SQL.folderTree} select coalesce(tree.path, f.name) as path from folders f left join tree on tree.id = f.id where f.id = $1 for key share of f`,
      [folderId],
    );
    if (rows.length === 0) throw new NotFoundError(`folder ${folderId} does not exist; nothing was moved`);
    to = { id: folderId, path: rows[0]!.path };
  }
  // Locked first, in the order of their ids (so two moves of the same notes wait in line, never in a
  // cycle), and only then their folders' paths read: in a statement of its own, whose snapshot sees
  // where a move that held them meanwhile put them.
  const { rows: locked } = await tx.query<{ id: string; folderId: number | null }>(
    'select id::text as id, folder_id as "folderId" from notes where id = any($1::bigint[]) order by id for update',
    [ids],
  );
  const folderIds = [...new Set(locked.flatMap((row) => (row.folderId === null ? [] : [row.folderId])))];
  const { rows: paths } = await tx.query<{ id: number; path: string }>(
    `${NOTE_SQL.folderTree} select f.id, coalesce(tree.path, f.name) as path from folders f left join tree on tree.id = f.id where f.id = any($1::int[])`,
    [folderIds],
  );
  const pathOf = new Map(paths.map((row) => [row.id, row.path]));
  const rows = locked.map((row) => ({ ...row, from: row.folderId === null ? null : (pathOf.get(row.folderId) ?? null) }));
  const found = new Map(rows.map((row) => [Number(row.id), row]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    const which = missing.length === 1 ? `note ${missing[0]} does not exist` : `notes ${quotedList(missing)} do not exist`;
    throw new NotFoundError(`${which}; nothing was moved`);
  }
  const moving = ids.filter((id) => found.get(id)!.folderId !== folderId);
  await tx.query('update notes set folder_id = $2 where id = any($1::bigint[])', [moving, folderId]);
  return {
    to,
    moved: moving.map((id) => ({ id, from: found.get(id)!.from })),
    alreadyThere: ids.filter((id) => found.get(id)!.folderId === folderId),
  };
}

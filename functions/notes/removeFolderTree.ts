import type { Queryable } from '../db/inTransaction.js';
import { NotFoundError } from './errors.js';
import { NOTE_SQL } from './noteSql.js';

/** What removing a folder changed: its path, the paths of the folders inside it, and the notes left without a folder. */
export interface FolderRemoval {
  id: number;
  path: string;
  subFolders: string[];
  unfiledNotes: number[];
}

/**
 * Removes folder `id` and every folder inside it, inside the caller's transaction; their notes stay,
 * without a folder. The folders are locked first, so no note or folder is put into them meanwhile and
 * the answer counts exactly what the removal changed. Throws NotFoundError when there is no such folder.
 */
export async function removeFolderTree(tx: Queryable, id: number): Promise<FolderRemoval> {
  const { rows: folders } = await tx.query<{ id: number; path: string }>(
    `${NOTE_SQL.folderTree},
     inside as (select id from folders where id = $1 union all select f.id from folders f join inside on f.parent_id = inside.id)
     select f.id, tree.path from folders f join tree on tree.id = f.id
      where f.id in (select id from inside)
      order by tree.path
        for update of f`,
    [id],
  );
  const top = folders.find((folder) => folder.id === id);
  if (!top) throw new NotFoundError(`folder ${id} does not exist`);
  const ids = folders.map((folder) => folder.id);
  const { rows: unfiled } = await tx.query<{ id: string }>(
    'update notes set folder_id = null where folder_id = any($1::int[]) returning id::text as id',
    [ids],
  );
  await tx.query('delete from folders where id = any($1::int[])', [ids]);
  return {
    id,
    path: top.path,
    subFolders: folders.filter((folder) => folder.id !== id).map((folder) => folder.path),
    unfiledNotes: unfiled.map((row) => Number(row.id)).sort((a, b) => a - b),
  };
}

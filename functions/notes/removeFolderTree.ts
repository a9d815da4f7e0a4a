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
 * without a folder (and with a new updated_at: un-filing a note changes it). The folders are locked
 * first, so no note or folder is put into them meanwhile and the answer counts exactly what the removal
 * changed. Throws NotFoundError when there is no such folder.
 */
export async function removeFolderTree(tx: Queryable, id: number): Promise<FolderRemoval> {
  const ids = await lockSubtree(tx, id);
  if (!ids.includes(id)) throw new NotFoundError(`folder ${id} does not exist`);
  const { rows: folders } = await tx.query<{ id: number; path: string }>(
    `${NOTE_SQL.folderTree}
     select f.id, coalesce(tree.path, f.name) as path from folders f left join tree on tree.id = f.id
      where f.id = any($1::int[])
      order by 2`,
    [ids],
  );
  const { rows: unfiled } = await tx.query<{ id: string }>(
    'update notes set folder_id = null where folder_id = any($1::int[]) returning id::text as id',
    [ids],
  );
  await tx.query('delete from folders where id = any($1::int[])', [ids]);
  return {
    id,
    path: folders.find((folder) => folder.id === id)!.path,
    subFolders: folders.filter((folder) => folder.id !== id).map((folder) => folder.path),
    unfiledNotes: unfiled.map((row) => Number(row.id)).sort((a, b) => a - b),
  };
}

/**
 * Locks folder `id` and every folder inside it (FOR UPDATE, which a sub-folder or note being put into
 * one of them waits for: its foreign key check takes KEY SHARE on the folder) and returns their ids.
 * A transaction that put one in before the lock was taken may commit while this waits for it; the
 * statement that waited does not see what it added, so the subtree is read again, by a new statement
 * with a new snapshot, and the folders seen for the first time are locked, until a read finds none.
 */
async function lockSubtree(tx: Queryable, id: number): Promise<number[]> {
  const locked = new Set<number>();
  for (;;) {
    const { rows } = await tx.query<{ id: number }>(`${NOTE_SQL.folderTree}${NOTE_SQL.folderScope(1)} select id from scope`, [id]);
    const unlocked = rows.map((row) => row.id).filter((folderId) => !locked.has(folderId));
    if (unlocked.length === 0) return rows.map((row) => row.id);
    // In the order of their ids: two removals of overlapping subtrees wait in line, not in a cycle.
    await tx.query('select 1 from folders where id = any($1::int[]) order by id for update', [unlocked]);
    for (const folderId of unlocked) locked.add(folderId);
  }
}

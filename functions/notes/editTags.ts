import type { Queryable } from '../db/inTransaction.js';
import { NotFoundError } from './errors.js';
import { quotedList } from './quotedList.js';

/** What a tag edit changed: the tags added, those the note already had, the tags removed; in the order asked. */
export interface TagChanges {
  added: string[];
  alreadyHad: string[];
  removed: string[];
}

/**
 * Removes `remove` from note `id` and adds `add` (creating new tags), inside the caller's transaction;
 * when that changed its tags, the note's updated_at too.
 * Throws NotFoundError when the note does not exist, or naming every tag of `remove` it lacks: the
 * caller rolls back, so nothing is changed. Tags are checked at the edge (distinct, 1 to 100 characters).
 */
export async function editTags(tx: Queryable, id: number, { add, remove }: { add: string[]; remove: string[] }): Promise<TagChanges> {
  // Locked: a tag added to this note meanwhile (its foreign key check) waits for this edit.
  const { rowCount } = await tx.query('select 1 from notes where id = $1 for update', [id]);
  if (rowCount === 0) throw new NotFoundError(`note ${id} does not exist`);
  const { rows: removedRows } = await tx.query<{ name: string }>(
    `delete from note_tags nt using tags t where nt.tag_id = t.id and nt.note_id = $1 and t.name = any($2::text[]) returning t.name`,
    [id, remove],
  );
  const removedNames = new Set(removedRows.map((row) => row.name));
  const lacking = remove.filter((tag) => !removedNames.has(tag));
  if (lacking.length > 0) {
    throw new NotFoundError(`note ${id} has no ${lacking.length === 1 ? 'tag' : 'tags'} ${quotedList(lacking)}; nothing was changed`);
  }
  // In one order for every edit (bytes, whatever the collation): two edits creating the same new tags
  // then wait for each other's unique-index entries in the same order, never in a cycle (a deadlock).
  await tx.query(
    'insert into tags (name) select name from unnest($1::text[]) as name order by name collate "C" on conflict (name) do nothing',
    [add],
  );
  const { rows: addedRows } = await tx.query<{ name: string }>(
    `with added as (
       insert into note_tags (note_id, tag_id) select $1, id from tags where name = any($2::text[]) on conflict do nothing returning tag_id
     )
     select t.name from added join tags t on t.id = added.tag_id`,
    [id, add],
  );
  const addedNames = new Set(addedRows.map((row) => row.name));
  // A note whose tags changed has changed, as one whose title, folder or body did: its updated_at says so.
  if (addedNames.size + removedNames.size > 0) await tx.query('update notes set updated_at = now() where id = $1', [id]);
  return { added: add.filter((tag) => addedNames.has(tag)), alreadyHad: add.filter((tag) => !addedNames.has(tag)), removed: remove };
}

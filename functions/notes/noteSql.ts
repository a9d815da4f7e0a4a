/** The folder tree as a CTE named `tree`: each folder's id, parent, name and path (`home/groceries`). */
export const FOLDER_TREE = `
  with recursive tree as (
    select id, parent_id, name, name::text as path from folders where parent_id is null
    union all
    select f.id, f.parent_id, f.name, tree.path || '/' || f.name from folders f join tree on f.parent_id = tree.id
  )`;

/** A note's summary columns, from `notes n left join tree` (FOLDER_TREE). */
export const NOTE_COLUMNS = `
  n.id::text as id, n.title, n.folder_id as "folderId", tree.path as folder, n.status,
  coalesce((select array_agg(t.name order by t.name) from note_tags nt join tags t on t.id = nt.tag_id where nt.note_id = n.id), '{}') as tags,
  n.updated_at as "updatedAt"`;

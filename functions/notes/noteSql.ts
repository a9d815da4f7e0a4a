/**
 * The SQL pieces the notes queries share (NotesStore, searchNotes): what a listed note looks like,
 * and the folder and tag filters, so that `notes` and `search` filter the same way.
 */
export const NOTE_SQL = {
  /**
   * `tree`: every folder with its path (`home/groceries`), for the `folder` of each note. It ends even
   * when the folders form a cycle (a's parent b, b's parent a): it starts at the top folders and each
   * folder has one parent, so no folder of a cycle, nor below one, is ever reached; they are left out.
   * No API can make a cycle (folders are never re-parented), only editing the database directly, so
   * it is not forbidden there (a trigger walking up on every insert) but survived here and in `scope`.
   */
  folderTree: `
  with recursive tree as (
    select id, parent_id, name, name::text as path from folders where parent_id is null
    union all
    select f.id, f.parent_id, f.name, tree.path || '/' || f.name from folders f join tree on f.parent_id = tree.id
  )`,
  /**
   * `scope`: the folder whose id is the parameter `$n` and every folder below it: `--folder home`
   * covers `home/groceries` too. Follows `folderTree` (whose `with recursive` it joins). `union`, not
   * `union all`: a folder already in `scope` is not followed again, so a cycle ends it.
   */
  folderScope: (n: number) => `,
  scope as (
    select id from folders where id = $${n}::int
    union
    select f.id from folders f join scope on f.parent_id = scope.id
  )`,
  /** The columns of a NoteSummary, from `notes n` joined to `tree`. */
  columns: `
  n.id::text as id, n.title, n.folder_id as "folderId", tree.path as folder, n.status,
  coalesce((select array_agg(t.name order by t.name) from note_tags nt join tags t on t.id = nt.tag_id where nt.note_id = n.id), '{}') as tags,
  n.updated_at as "updatedAt"`,
  /** A condition: no folder asked for (`$n` null), or the note is in `scope`. */
  inScope: (n: number) => `($${n}::int is null or n.folder_id in (select id from scope))`,
  /** A condition: no tag asked for (`$n` null), or the note carries the tag named `$n`. */
  tagged: (n: number) =>
    `($${n}::text is null or exists (select 1 from note_tags nt join tags t on t.id = nt.tag_id where nt.note_id = n.id and t.name = $${n}))`,
} as const;

import type pg from 'pg';
import { type ConnectionFacts, connectionProblem } from '../db/connectionProblem.js';
import { inTransaction, type Queryable } from '../db/inTransaction.js';
import { editTags, type TagChanges } from './editTags.js';
import { ConflictError, NotFoundError } from './errors.js';
import { moveNotes, type NotesMove } from './moveNotes.js';
import { NOTE_SQL } from './noteSql.js';
import { type FolderRemoval, removeFolderTree } from './removeFolderTree.js';
import { type SearchQuery, type SearchResult, searchNotes } from './searchNotes.js';

export type { FolderRemoval, NotesMove, TagChanges };

export type NoteStatus = 'draft' | 'active' | 'archived';
export const NOTE_STATUSES: readonly NoteStatus[] = ['draft', 'active', 'archived'];

export interface Folder {
  id: number;
  parentId: number | null;
  name: string;
  /** `home/groceries`: the names from the top folder down. */
  path: string;
  notes: number;
}

export interface NoteSummary {
  id: number;
  title: string;
  folderId: number | null;
  folder: string | null;
  status: NoteStatus;
  tags: string[];
  updatedAt: string;
}

export interface Note extends NoteSummary {
  body: string;
  createdAt: string;
}

/** A tag edit: the note as it is now and what changed. */
export interface TagEdit extends TagChanges {
  note: Note;
}

/**
 * The notes app's data: nested folders, notes and tags, in PostgreSQL. Each method is one statement,
 * or one transaction when it changes several things: all of it is done, or nothing.
 */
export class NotesStore {
  private readonly db: Queryable;

  constructor(
    private readonly pool: pg.Pool,
    /** The settings the pool was made from: named when the database is missing, refuses the login or cannot be reached. */
    private readonly connection: ConnectionFacts,
  ) {
    // Every statement: a database that is missing, refuses us or cannot be reached says so (connectionProblem).
    this.db = {
      query: ((...args: unknown[]) =>
        (pool.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
          throw this.problem(error);
        })) as Queryable['query'],
    };
  }

  /** Every folder with its path and note count, sorted by path. */
  async listFolders(): Promise<Folder[]> {
    const { rows } = await this.db.query<Folder>(`${NOTE_SQL.folderTree}
      select tree.id, tree.parent_id as "parentId", tree.name, tree.path,
             (select count(*)::int from notes n where n.folder_id = tree.id) as notes
        from tree order by tree.path`);
    return rows;
  }

  /** Creates a folder under `parentId` (or at the top); 409 when the name is taken there. */
  async createFolder(name: string, parentId: number | null): Promise<Folder> {
    const { rows } = await this.run(
      () => this.db.query<{ id: number }>('insert into folders (parent_id, name) values ($1, $2) returning id', [parentId, name]),
      { conflict: `a folder named "${name}" already exists there`, missing: `folder ${parentId} does not exist` },
    );
    return this.folder(rows[0]!.id);
  }

  async renameFolder(id: number, name: string): Promise<Folder> {
    const { rowCount } = await this.run(() => this.db.query('update folders set name = $2 where id = $1', [id, name]), {
      conflict: `a folder named "${name}" already exists there`,
    });
    if (rowCount === 0) throw notFound('folder', id);
    return this.folder(id);
  }

  /** Removes a folder and the folders inside it, in one transaction; their notes stay, without a folder. Says what it removed. */
  removeFolder(id: number): Promise<FolderRemoval> {
    return this.transaction((tx) => removeFolderTree(tx, id));
  }

  /** The notes, newest change first; `folderId` covers the folders below it too (`home` lists `home/groceries`' notes). */
  async listNotes(filter: { folderId?: number; tag?: string } = {}): Promise<NoteSummary[]> {
    const { rows } = await this.db.query(
      `${NOTE_SQL.folderTree}${NOTE_SQL.folderScope(1)}
       select ${NOTE_SQL.columns} from notes n left join tree on tree.id = n.folder_id
        where ${NOTE_SQL.inScope(1)} and ${NOTE_SQL.tagged(2)}
        order by n.updated_at desc, n.id desc`,
      [filter.folderId ?? null, filter.tag ?? null],
    );
    return rows.map(withNumericId);
  }

  /** The notes matching a full-text query, best first, with their matching words located (see searchNotes). */
  searchNotes(query: SearchQuery): Promise<SearchResult> {
    return searchNotes(this.db, query);
  }

  async createNote(input: { title: string; body: string; folderId: number | null }): Promise<Note> {
    const { rows } = await this.run(
      () =>
        this.db.query<{ id: string }>('insert into notes (title, body, folder_id) values ($1, $2, $3) returning id::text', [
          input.title,
          input.body,
          input.folderId,
        ]),
      { missing: `folder ${input.folderId} does not exist` },
    );
    return this.note(Number(rows[0]!.id));
  }

  async note(id: number, db: Queryable = this.db): Promise<Note> {
    const { rows } = await db.query(
      `${NOTE_SQL.folderTree}
       select ${NOTE_SQL.columns}, n.body, n.created_at as "createdAt" from notes n left join tree on tree.id = n.folder_id where n.id = $1`,
      [id],
    );
    if (rows.length === 0) throw notFound('note', id);
    return withNumericId(rows[0]);
  }

  /** Changes the given fields only; `folderId: null` moves the note out of any folder. */
  async updateNote(id: number, changes: { title?: string; body?: string; status?: NoteStatus; folderId?: number | null }): Promise<Note> {
    const { rowCount } = await this.run(
      () =>
        this.db.query(
          `update notes set title = coalesce($2, title), body = coalesce($3, body), status = coalesce($4::note_status, status),
                  folder_id = case when $5 then $6 else folder_id end
            where id = $1`,
          [id, changes.title ?? null, changes.body ?? null, changes.status ?? null, 'folderId' in changes, changes.folderId ?? null],
        ),
      { missing: `folder ${changes.folderId} does not exist` },
    );
    if (rowCount === 0) throw notFound('note', id);
    return this.note(id);
  }

  async removeNote(id: number): Promise<void> {
    const { rowCount } = await this.db.query('delete from notes where id = $1', [id]);
    if (rowCount === 0) throw notFound('note', id);
  }

  /**
   * Removes `remove` from note `id` and adds `add`, in one transaction: a tag of `remove` the note lacks
   * (404 naming every one) changes nothing. Adding a tag the note has is no error (`alreadyHad`).
   */
  editTags(id: number, changes: { add?: string[]; remove?: string[] }): Promise<TagEdit> {
    return this.transaction(async (tx) => {
      const edit = await editTags(tx, id, { add: changes.add ?? [], remove: changes.remove ?? [] });
      return { note: await this.note(id, tx), ...edit };
    });
  }

  /** Moves notes into a folder (null: none), in one transaction: an id that is not a note (404 naming every one) moves nothing. */
  moveNotes(ids: number[], folderId: number | null): Promise<NotesMove> {
    return this.transaction((tx) =>
      this.run(() => moveNotes(tx, ids, folderId), { missing: `folder ${folderId} does not exist; nothing was moved` }),
    );
  }

  private async folder(id: number): Promise<Folder> {
    const folder = (await this.listFolders()).find((f) => f.id === id);
    if (!folder) throw notFound('folder', id);
    return folder;
  }

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  private transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work).catch((error: unknown) => {
      throw this.problem(error);
    });
  }

  /** The error to answer with: the database missing, refusing the login or unreachable, said as such; any other unchanged. */
  private problem(error: unknown): unknown {
    return connectionProblem(error, this.connection) ?? error;
  }

  /** Turns the constraint violations a user can cause into clear 409 / 404 answers. */
  private async run<T>(query: () => Promise<T>, messages: { conflict?: string; missing?: string }): Promise<T> {
    try {
      return await query();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23505' && messages.conflict) throw new ConflictError(messages.conflict, { cause: error });
      if (code === '23503' && messages.missing) throw new NotFoundError(messages.missing, { cause: error });
      throw error;
    }
  }
}

function notFound(kind: string, id: number): NotFoundError {
  return new NotFoundError(`${kind} ${id} does not exist`);
}

function withNumericId<T extends { id: string | number }>(row: T): T & { id: number } {
  return { ...row, id: Number(row.id) };
}

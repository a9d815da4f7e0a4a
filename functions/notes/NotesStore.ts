import type pg from 'pg';
import { ConflictError, NotFoundError, NotesUnavailableError } from './errors.js';
import { NOTE_SQL } from './noteSql.js';
import { type SearchQuery, type SearchResult, searchNotes } from './searchNotes.js';

/** Errors of reaching the database, not of the query: no connection, the server shutting down or refusing. */
const UNREACHABLE = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|EAI_AGAIN|57P0[1-3]|08\d{3}|3D000|28P01|28000)$/;

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

/** The notes app's data: nested folders, notes and tags, in PostgreSQL. Each method is one short transaction or statement. */
export class NotesStore {
  private readonly db: Pick<pg.Pool, 'query'>;

  constructor(pool: pg.Pool) {
    // Every query: a database that cannot be reached answers 503, not a generic 500.
    this.db = {
      query: ((...args: Parameters<pg.Pool['query']>) =>
        (pool.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
          const code = (error as { code?: string }).code ?? '';
          if (UNREACHABLE.test(code) || /Connection terminated|timeout exceeded when trying to connect/.test((error as Error).message)) {
            throw new NotesUnavailableError({ cause: error });
          }
          throw error;
        })) as pg.Pool['query'],
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

  /** Removes a folder and the folders inside it; their notes stay, without a folder. */
  async removeFolder(id: number): Promise<void> {
    const { rowCount } = await this.db.query('delete from folders where id = $1', [id]);
    if (rowCount === 0) throw notFound('folder', id);
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

  async note(id: number): Promise<Note> {
    const { rows } = await this.db.query(
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

  /** Adds a tag to a note, creating the tag if it is new; tagging twice changes nothing. */
  async tagNote(id: number, tag: string): Promise<Note> {
    await this.run(
      () =>
        this.db.query(
          `with tag as (insert into tags (name) values ($2) on conflict (name) do update set name = excluded.name returning id)
           insert into note_tags (note_id, tag_id) select $1, id from tag on conflict do nothing`,
          [id, tag],
        ),
      { missing: `note ${id} does not exist` },
    );
    return this.note(id);
  }

  async untagNote(id: number, tag: string): Promise<Note> {
    const note = await this.note(id);
    if (!note.tags.includes(tag)) throw new NotFoundError(`note ${id} has no tag "${tag}"`);
    await this.db.query('delete from note_tags where note_id = $1 and tag_id = (select id from tags where name = $2)', [id, tag]);
    return this.note(id);
  }

  private async folder(id: number): Promise<Folder> {
    const folder = (await this.listFolders()).find((f) => f.id === id);
    if (!folder) throw notFound('folder', id);
    return folder;
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

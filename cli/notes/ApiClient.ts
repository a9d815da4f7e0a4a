import type { BackupAnswer, BackupListing } from '../../functions/backup/BackupAnswer.js';
import { printable } from '../printable.js';
import { ANSWERS, type AnswerKind } from './checkAnswer.js';
import type { Folder, FolderRemoval, Note, NotesMove, NoteStatus, NoteSummary, TagEdit } from '../../functions/notes/NotesStore.js';
import type { SearchQuery, SearchResult } from '../../functions/notes/searchNotes.js';

/** The API answered with an error: its status and the `{ error: { code, message } }` it sent. */
export class ApiError extends Error {
  /** The message is the API's own (`{ error: { code, message } }`), not one the client wrote about the answer. */
  readonly fromApi: boolean;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: { fromApi?: boolean } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.fromApi = options.fromApi ?? false;
  }
}

/** No answer: the API is down, unreachable, too slow (`timedOut`), or the wait was aborted. */
export class ApiUnreachableError extends Error {
  readonly timedOut: boolean;

  constructor(message: string, options: { cause?: unknown; timedOut?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ApiUnreachableError';
    this.timedOut = options.timedOut ?? false;
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` (the local gateway's and the containers' `API_TOKEN`). */
  token?: string;
  /** Sent as `x-api-key` (the API key of the API deployed with `sam deploy`). */
  apiKey?: string;
  /** Ordinary requests give up after this long. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The notes API over HTTP. Every method throws ApiError or ApiUnreachableError, never a raw fetch error. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly token?: string;
  private readonly apiKey?: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  listFolders = () => this.request<{ folders: Folder[] }>('GET', '/folders', { expect: 'folders' }).then((r) => r.folders);
  createFolder = (name: string, parentId: number | null) =>
    this.request<{ folder: Folder }>('POST', '/folders', { body: { name, parentId }, expect: 'folder' }).then((r) => r.folder);
  renameFolder = (id: number, name: string) =>
    this.request<{ folder: Folder }>('PATCH', `/folders/${id}`, { body: { name }, expect: 'folder' }).then((r) => r.folder);
  removeFolder = (id: number) =>
    this.request<{ removed: FolderRemoval }>('DELETE', `/folders/${id}`, { expect: 'folderRemoval' }).then((r) => r.removed);
  listNotes = (filter: { folderId?: number; tag?: string } = {}) => {
    const query = new URLSearchParams();
    if (filter.folderId !== undefined) query.set('folderId', String(filter.folderId));
    if (filter.tag !== undefined) query.set('tag', filter.tag);
    const suffix = query.size > 0 ? `?${query}` : '';
    return this.request<{ notes: NoteSummary[] }>('GET', `/notes${suffix}`, { expect: 'notes' }).then((r) => r.notes);
  };
  /** GET /notes?q=: the best matches of a full-text query, with where each matches, and the number of all matches. */
  searchNotes = ({ text, folderId, tag, limit }: SearchQuery) => {
    const query = new URLSearchParams({ q: text });
    if (folderId !== undefined) query.set('folderId', String(folderId));
    if (tag !== undefined) query.set('tag', tag);
    if (limit !== undefined) query.set('limit', String(limit));
    return this.request<SearchResult>('GET', `/notes?${query}`, { expect: 'search' });
  };
  createNote = (note: { title: string; body?: string; folderId?: number | null }) =>
    this.request<{ note: Note }>('POST', '/notes', { body: note, expect: 'note' }).then((r) => r.note);
  note = (id: number) => this.request<{ note: Note }>('GET', `/notes/${id}`, { expect: 'note' }).then((r) => r.note);
  updateNote = (id: number, changes: { title?: string; body?: string; status?: NoteStatus; folderId?: number | null }) =>
    this.request<{ note: Note }>('PATCH', `/notes/${id}`, { body: changes, expect: 'note' }).then((r) => r.note);
  removeNote = (id: number) => this.request<void>('DELETE', `/notes/${id}`);
  /** Adds and removes tags of a note at once: all of it, or nothing. */
  editTags = (id: number, changes: { add?: string[]; remove?: string[] }) =>
    this.request<TagEdit>('PATCH', `/notes/${id}/tags`, { body: changes, expect: 'tagEdit' });
  /** Moves notes into a folder (null: no folder): all of them, or none. */
  moveNotes = (ids: number[], folderId: number | null) =>
    this.request<NotesMove>('POST', '/notes/move', { body: { ids, folderId }, expect: 'notesMove' });
  listBackups = (options: { all?: boolean } = {}) =>
    this.request<BackupListing>('GET', `/db-backups${options.all ? '?all=true' : ''}`, { expect: 'backups' });

  /**
   * POST /db-backup: rotate, then back up. Waits at most `timeoutMs`; `signal` aborts the wait. The API
   * is asked to wait for a running backup at most half of that (`?wait=`), so that a 409 still arrives
   * before the app gives up.
   */
  backup = (options: { timeoutMs: number; signal?: AbortSignal }) =>
    this.request<BackupAnswer>('POST', `/db-backup?wait=${Math.floor(options.timeoutMs / 2000)}`, { ...options, expect: 'backup' });

  private async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; timeoutMs?: number; signal?: AbortSignal; expect?: AnswerKind } = {},
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.apiKey) headers['x-api-key'] = this.apiKey;
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      const timedOut = !options.signal?.aborted && (error as Error).name === 'TimeoutError';
      throw new ApiUnreachableError(this.explain(error, timeoutMs, options.signal), { cause: error, timedOut });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The answer stalled or broke off after its headers.
      throw new ApiUnreachableError(this.explain(error, timeoutMs, options.signal), {
        cause: error,
        timedOut: (error as Error).name === 'TimeoutError',
      });
    }
    const payload = parseJson(text);
    if (response.status === 204 && text === '') return undefined as T;
    if (payload === undefined) throw new ApiError(response.status, `HTTP_${response.status}`, this.notJson(response));
    if (!response.ok) {
      const apiError = (payload as { error?: { code?: unknown; message?: unknown } }).error;
      const fromApi = typeof apiError?.code === 'string' && typeof apiError.message === 'string';
      const code = fromApi ? (apiError!.code as string) : `HTTP_${response.status}`;
      const message = fromApi ? (apiError!.message as string) : ((payload as { message?: unknown }).message ?? response.statusText);
      throw new ApiError(response.status, shortLine(code, 60), this.explainRefusal(response.status, shortLine(String(message), 300)), {
        fromApi: fromApi && response.status !== 401,
      });
    }
    if (options.expect && !ANSWERS[options.expect](payload)) {
      throw new ApiError(
        response.status,
        'NOT_THE_NOTES_API',
        `${this.baseUrl} answered ${response.status} with JSON that is not the notes API's answer: is --api-url (API_URL) right?`,
      );
    }
    return payload as T;
  }

  /** A web server that is not the notes API (a wrong --api-url) answers HTML: summarised, never printed. */
  private notJson(response: Response): string {
    const type = response.headers.get('content-type')?.split(';')[0]?.trim() || 'no content type';
    return `${this.baseUrl} answered ${response.status} ${response.statusText} with ${type}, not the notes API's JSON: is --api-url (API_URL) right?`;
  }

  /** 401 (the gateway's bearer token) and 403 (AWS API Gateway's API key) say which credential to give. */
  private explainRefusal(status: number, message: string): string {
    if (status === 401) {
      return this.token
        ? 'the API refused the token (401): check --token (API_TOKEN)'
        : 'the API requires a token (401): pass --token or set API_TOKEN';
    }
    if (status === 403 && message === 'Forbidden') {
      return this.apiKey
        ? 'the API refused the API key (403 Forbidden): check --api-key (API_KEY)'
        : 'the API refused the request (403 Forbidden): the deployed API needs its key: pass --api-key or set API_KEY';
    }
    return message;
  }

  private explain(error: unknown, timeoutMs: number, signal?: AbortSignal): string {
    if (signal?.aborted) return 'the wait was aborted';
    if ((error as Error).name === 'TimeoutError') return `the API at ${this.baseUrl} did not answer within ${formatSeconds(timeoutMs)}`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `cannot reach the API at ${this.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message})`;
  }
}

/** Text from the other side, safe for a terminal: control characters (escapes, newlines) shown, not sent; at most `max` characters. */
function shortLine(text: string, max: number): string {
  const clean = printable(text.trim());
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `120 s`, `1.5 s`; under a tenth of a second `12 ms`. */
export function formatSeconds(ms: number): string {
  // Under a tenth of a second (a backup made from the previous one) in ms: "0 s" would read as nothing.
  if (ms < 100) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

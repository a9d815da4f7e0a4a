import type pg from 'pg';
import { UnsearchableQueryError } from './errors.js';
import type { NoteSummary } from './NotesStore.js';
import { NOTE_SQL } from './noteSql.js';
import { MATCH_END, MATCH_START, type MatchRange, readHighlights } from './readHighlights.js';

export interface SearchQuery {
  /** Web-search syntax: words, `"a phrase"`, `or`, `-word`. */
  text: string;
  /** Only notes in this folder or a folder below it. */
  folderId?: number;
  tag?: string;
  /** At most this many notes (the HTTP edge allows 1 to SEARCH_LIMIT.max). */
  limit?: number;
}

/** A matching note: its summary, where its title matches, and a snippet of its body where the body matches. */
export interface SearchHit extends NoteSummary {
  /** Ranges of `title`, in code points. */
  titleMatches: MatchRange[];
  /** A line of the body around its matching words (up to 2 fragments joined by ` … `); null when no body word matches. */
  snippet: string | null;
  snippetMatches: MatchRange[];
}

export interface SearchResult {
  /** The best `limit` matches, best first. */
  notes: SearchHit[];
  /** How many notes match in all. */
  total: number;
}

export const SEARCH_LIMIT = { default: 20, max: 100 } as const;
/** Longer queries are refused at the HTTP edge: no one types them, and each word costs an index lookup. */
export const SEARCH_QUERY_MAX = 200;

/**
 * The text search configuration of the index (migrations/…_notes-search.sql): the query must be parsed
 * with the same one, or `running` would not find `run`.
 */
const CONFIG = 'english';
/** Only this much of a body is indexed (see the migration), so only this much is highlighted. */
const INDEXED_BODY = 100_000;

const TITLE_HEADLINE = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, HighlightAll=true`;
const SNIPPET_HEADLINE = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxFragments=2, MaxWords=12, MinWords=4, FragmentDelimiter=" … "`;
/** A note's own marker characters, each replaced by U+FFFD (one code point for one: ranges stay true). */
const MARKERS = `${MATCH_START}${MATCH_END}`;
const NEUTRALISED = '\uFFFD\uFFFD';
const neutralise = (text: string) => text.replace(/[\uE000\uE001]/g, '\uFFFD');

/**
 * Full-text search over titles and bodies, ranked by ts_rank (a title word weighs more than a body
 * word, so title matches come first), then newest change. Throws UnsearchableQueryError when the query
 * has no word to look for (only stop words or punctuation). Reads only.
 *
 * ts_headline is slow (it parses the whole text), so it runs on the returned rows only, after the
 * LIMIT; its markers are private-use characters that a note's own text cannot supply.
 */
export async function searchNotes(db: Pick<pg.Pool, 'query'>, query: SearchQuery): Promise<SearchResult> {
  const { rows: parsed } = await db.query<{ nodes: number }>('select numnode(websearch_to_tsquery($1::regconfig, $2)) as nodes', [
    CONFIG,
    query.text,
  ]);
  if (parsed[0]!.nodes === 0) throw new UnsearchableQueryError(query.text);

  const { rows } = await db.query<HitRow>(
    `${NOTE_SQL.folderTree}${NOTE_SQL.folderScope(3)},
     matches as (
       select n.id, n.updated_at, ts_rank(n.search, query) as rank
         from notes n, websearch_to_tsquery($1::regconfig, $2) query
        where n.search @@ query and ${NOTE_SQL.inScope(3)} and ${NOTE_SQL.tagged(4)}
     ),
     best as materialized (
       select id, rank, count(*) over () as total from matches order by rank desc, updated_at desc, id desc limit $5
     )
     select ${NOTE_SQL.columns}, best.total,
            ts_headline($1::regconfig, translate(n.title, $6, $7), query, $8) as "markedTitle",
            ts_headline($1::regconfig, translate(left(n.body, ${INDEXED_BODY}), $6, $7), query, $9) as "markedSnippet"
       from best join notes n on n.id = best.id left join tree on tree.id = n.folder_id,
            websearch_to_tsquery($1::regconfig, $2) query
      order by best.rank desc, n.updated_at desc, n.id desc`,
    [
      CONFIG,
      query.text,
      query.folderId ?? null,
      query.tag ?? null,
      query.limit ?? SEARCH_LIMIT.default,
      MARKERS,
      NEUTRALISED,
      TITLE_HEADLINE,
      SNIPPET_HEADLINE,
    ],
  );
  return { notes: rows.map(toHit), total: rows.length === 0 ? 0 : Number(rows[0]!.total) };
}

/** A row of the search query: a note's summary, the count of all matches, and ts_headline's marked title and body. */
type HitRow = NoteSummary & { total: string; markedTitle: string; markedSnippet: string };

function toHit({ markedTitle, markedSnippet, total: _total, ...note }: HitRow): SearchHit {
  const title = readHighlights(markedTitle);
  const snippet = readHighlights(markedSnippet, { oneLine: true });
  return {
    ...note,
    id: Number(note.id),
    // ts_headline gives the whole title back; should it ever differ, no range is better than a wrong one.
    titleMatches: title.text === neutralise(note.title) ? title.matches : [],
    snippet: snippet.matches.length > 0 ? snippet.text : null,
    snippetMatches: snippet.matches,
  };
}

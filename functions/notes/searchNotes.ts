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
  /** A line of the body around its matching words (8 to 16 words, blanks made single spaces); null when no body word matches. */
  snippet: string | null;
  snippetMatches: MatchRange[];
}

export interface SearchResult {
  /** The best `limit` matches, best first. */
  notes: SearchHit[];
  /** How many notes match, counted up to SEARCH_WINDOW. */
  total: number;
  /** False when more than SEARCH_WINDOW notes match: `total` is then SEARCH_WINDOW. */
  totalExact: boolean;
}

export const SEARCH_LIMIT = { default: 20, max: 100 } as const;
/**
 * At most this many matches are ranked, the most recently changed ones, and counted. Ranking reads
 * every candidate's tsvector, and a word in most notes has tens of thousands of matches: ranking all
 * of 100,000 notes took over half a second (docs/performance.md). A search that matches more is too
 * broad to read through anyway; its newest matches, best first, and "1000+" serve it.
 */
export const SEARCH_WINDOW = 1_000;
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
// One excerpt, not fragments: ts_headline's fragments leave out a body's last word ("lantern oil" gives "lantern").
const SNIPPET_HEADLINE = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MinWords=8, MaxWords=16`;
/**
 * What ts_headline reads of a note: `<` and `/` as the index reads them (their stand-ins, see the
 * migration), and a note's own markers and stand-ins each replaced by U+FFFD, one code point for one
 * (ranges stay true). Every character here is a blank to the parser, as in the index.
 */
const HEADLINE_FROM = `</${MATCH_START}${MATCH_END}\uE002\uE003`;
const HEADLINE_TO = '\uE002\uE003\uFFFD\uFFFD\uFFFD\uFFFD';
const neutralise = (text: string) => text.replace(/[\uE000-\uE003]/g, '\uFFFD');
/**
 * Punctuation that separates words in a query: `eggs,milk` is two words, not the phrase that
 * websearch_to_tsquery makes of one chunk. `<` and `/` are blanks in the index, so they are here too.
 */
const SEPARATORS = /[,;/<]/g;

/** The query as websearch_to_tsquery should read it; `"phrases"` and `-word` are unchanged. Pure. */
export const webSearchText = (text: string) => text.replace(SEPARATORS, ' ');

/**
 * Full-text search over titles and bodies, ranked by ts_rank (a title word weighs more than a body
 * word, so title matches come first), then newest change; of a search matching more than
 * SEARCH_WINDOW notes, only the SEARCH_WINDOW most recently changed are ranked. Throws
 * UnsearchableQueryError when the query has no word to look for (only stop words or punctuation).
 * Reads only.
 *
 * The folder and tag are looked up first and given to the search as values (folder ids, a tag id),
 * never as subqueries: PostgreSQL then estimates how many notes they leave and picks the right plan
 * (the GIN index for few matches, the updated_at index for many) instead of scanning all notes for a
 * narrow filter. ts_headline is slow (it parses the whole text), so it runs on the returned rows
 * only, after the LIMIT; its markers are private-use characters that a note's own text cannot supply.
 */
export async function searchNotes(db: Pick<pg.Pool, 'query'>, query: SearchQuery): Promise<SearchResult> {
  const { rows: found } = await db.query<{ nodes: number; folderIds: number[] | null; tagId: number | null }>(
    `${NOTE_SQL.folderTree}${NOTE_SQL.folderScope(3)}
     select numnode(websearch_to_tsquery($1::regconfig, $2)) as nodes, (select array_agg(id) from scope) as "folderIds",
            (select id from tags where name = $4) as "tagId"`,
    [CONFIG, webSearchText(query.text), query.folderId ?? null, query.tag ?? null],
  );
  const { nodes, folderIds, tagId } = found[0]!;
  if (nodes === 0) throw new UnsearchableQueryError(query.text);
  if ((query.folderId !== undefined && folderIds === null) || (query.tag !== undefined && tagId === null)) {
    return { notes: [], total: 0, totalExact: true };
  }

  const params: unknown[] = [CONFIG, webSearchText(query.text)];
  const param = (value: unknown) => `$${params.push(value)}`;
  const filters = [
    ...(query.folderId === undefined ? [] : [`and n.folder_id = any(${param(folderIds)}::int[])`]),
    ...(query.tag === undefined
      ? []
      : [`and exists (select 1 from note_tags nt where nt.note_id = n.id and nt.tag_id = ${param(tagId)}::int)`]),
  ].join(' ');
  const limit = param(query.limit ?? SEARCH_LIMIT.default);
  const [from, to] = [param(HEADLINE_FROM), param(HEADLINE_TO)];
  const [titleOptions, snippetOptions] = [param(TITLE_HEADLINE), param(SNIPPET_HEADLINE)];
  const { rows } = await db.query<HitRow>(
    `${NOTE_SQL.folderTree},
     candidates as materialized (
       select n.id, n.updated_at, n.search from notes n, websearch_to_tsquery($1::regconfig, $2) query
        where n.search @@ query ${filters}
        order by n.updated_at desc, n.id desc limit ${SEARCH_WINDOW + 1}
     ),
     best as materialized (
       select id, updated_at, ts_rank(search, query) as rank
         from (select * from candidates order by updated_at desc, id desc limit ${SEARCH_WINDOW}) newest,
              websearch_to_tsquery($1::regconfig, $2) query
        order by rank desc, updated_at desc, id desc limit ${limit}::int
     )
     select ${NOTE_SQL.columns}, (select count(*) from candidates) as counted,
            ts_headline($1::regconfig, translate(n.title, ${from}, ${to}), query, ${titleOptions}) as "markedTitle",
            ts_headline($1::regconfig, translate(left(n.body, ${INDEXED_BODY}), ${from}, ${to}), query, ${snippetOptions})
              as "markedSnippet"
       from best join notes n on n.id = best.id left join tree on tree.id = n.folder_id,
            websearch_to_tsquery($1::regconfig, $2) query
      order by best.rank desc, best.updated_at desc, best.id desc`,
    params,
  );
  const counted = rows.length === 0 ? 0 : Number(rows[0]!.counted);
  return { notes: rows.map(toHit), total: Math.min(counted, SEARCH_WINDOW), totalExact: counted <= SEARCH_WINDOW };
}

/** A row of the search query: a note's summary, the count of candidates, and ts_headline's marked title and body. */
type HitRow = NoteSummary & { counted: string; markedTitle: string; markedSnippet: string };

function toHit({ markedTitle, markedSnippet, counted: _counted, ...note }: HitRow): SearchHit {
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

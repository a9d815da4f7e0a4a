-- Up Migration
-- Full-text search over notes (issue #21): a tsvector kept by PostgreSQL itself (a generated column,
-- so no trigger and no application code can let it go stale) and a GIN index on it. Title words
-- carry weight A and body words B, so that ts_rank puts a note whose title matches above one whose
-- body does. The text search configuration is named ('english'): with the session's default the
-- expression would not be immutable, which a generated column requires.
--
-- Only the first 100,000 characters of a body are indexed: a tsvector holds at most 1 MB, and a body
-- of up to 1,000,000 characters of distinct short words (a pasted log, hashes) would make the insert,
-- and this very migration on a database that holds such a note, fail. 100,000 characters cannot
-- exceed it. functions/notes/searchNotes.ts highlights the same prefix.
--
-- Notes are plain text, but PostgreSQL's parser reads anything like a tag (`<b and c>`, `<!-- … -->`,
-- `<script>`) as markup and drops it, and `a/b` as one file-path word. So `<` and `/` are read as the
-- private-use characters U+E002 and U+E003, which the parser takes for blanks (in a database whose
-- LC_CTYPE is not plain C: C.UTF-8 or a language's): the words around and inside them are words.
-- searchNotes.ts gives ts_headline the same text and readHighlights.ts maps them back (one code
-- point for one). Entities (`&amp;`) are left alone: the parser neither indexes nor changes them.
--
-- Adding a stored generated column rewrites the table: existing notes are indexed by this migration.

ALTER TABLE notes ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, translate(title, '</', U&'\E002\E003')), 'A') ||
  setweight(to_tsvector('english'::regconfig, translate(left(body, 100000), '</', U&'\E002\E003')), 'B')
) STORED;

CREATE INDEX notes_search_idx ON notes USING gin (search);

-- A search that matches many notes ranks only the most recently changed ones (searchNotes.ts):
-- this index finds them without reading every match. `notes` lists in the same order.
CREATE INDEX notes_updated_at_idx ON notes (updated_at DESC, id DESC);

-- Down Migration
DROP INDEX notes_updated_at_idx;
DROP INDEX notes_search_idx;
ALTER TABLE notes DROP COLUMN search;

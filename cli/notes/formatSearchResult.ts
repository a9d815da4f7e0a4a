import type { MatchRange } from '../../functions/notes/readHighlights.js';
import type { SearchResult } from '../../functions/notes/searchNotes.js';
import { printable } from '../printable.js';
import { LIST_TITLE_LENGTH, type NoteFilters, noNotes, whereAndTags } from './format.js';
import { quoteWord } from './quoteWord.js';
import type { Output } from './Output.js';

/** Snippets longer than this are cut: one line of a terminal, under the title. */
const SNIPPET_LENGTH = 100;

/**
 * One line per hit as `notes` lists them (id, status, title, folder, tags), the matching words of the
 * title highlighted; under it, when the body matched, a line of the body with its matching words
 * highlighted; then `3 of 57 matches` when there are more than shown (`20 of 1000+ matches` when
 * more matched than the API counts). Highlights are bold yellow on a
 * colour terminal and absent otherwise (Output.style). No hit: `no notes in home tagged sport match "shoes"`.
 */
export function formatSearchResult(result: SearchResult, query: string, output: Output, filters: NoteFilters = {}): string {
  if (result.notes.length === 0) return `${noNotes(filters)} match ${quotedQuery(query)}`;
  const idWidth = Math.max(...result.notes.map((note) => String(note.id).length));
  const statusWidth = Math.max(...result.notes.map((note) => note.status.length));
  const indent = ' '.repeat(idWidth + 2 + statusWidth + 2);
  const mark = (text: string) => output.style('bold', output.style('yellow', text));
  const lines = result.notes.flatMap((note) => {
    const status = output.style('dim', note.status.padEnd(statusWidth));
    const title = highlight(note.title, note.titleMatches, LIST_TITLE_LENGTH, mark, (text) => text);
    const line = `${String(note.id).padStart(idWidth)}  ${status}  ${title}${whereAndTags(note, output)}`;
    if (note.snippet === null || note.snippetMatches.length === 0) return [line];
    return [line, `${indent}${highlight(note.snippet, note.snippetMatches, SNIPPET_LENGTH, mark, (text) => output.style('dim', text))}`];
  });
  if (!result.totalExact || result.total > result.notes.length) {
    lines.push(output.style('dim', `${result.notes.length} of ${result.total}${result.totalExact ? '' : '+'} matches`));
  }
  return lines.join('\n');
}

/**
 * `text` cut to `length` code points (ending in `…` when cut), control characters shown (printable), the
 * `ranges` styled by `mark` and the rest by `rest`. Ranges out of bounds or overlapping an earlier one
 * are ignored: the answer comes from over the network.
 */
function highlight(text: string, ranges: MatchRange[], length: number, mark: (s: string) => string, rest: (s: string) => string): string {
  const characters = [...printable(text)];
  const cut = characters.length > length;
  const shown = cut ? characters.slice(0, length - 1) : characters;
  let styled = '';
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const until = Math.min(end, shown.length);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < at || start >= until) continue;
    if (start > at) styled += rest(shown.slice(at, start).join(''));
    styled += mark(shown.slice(start, until).join(''));
    at = until;
  }
  if (at < shown.length) styled += rest(shown.slice(at).join(''));
  return cut ? `${styled}${rest('…')}` : styled;
}

/** `"oat milk"`; a query holding a `"` as the shell would take it: `'"meeting board"'`. */
function quotedQuery(query: string): string {
  const shown = printable(query);
  return shown.includes('"') ? quoteWord(shown) : `"${shown}"`;
}

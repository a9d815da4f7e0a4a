import { characters } from '../../functions/http/readInput.js';
import { SEARCH_LIMIT, SEARCH_QUERY_MAX } from '../../functions/notes/searchNotes.js';
import { UsageError } from '../UsageError.js';

/**
 * The query of `search <words>…` and its `--limit`, checked before the API is asked. The words are
 * joined with spaces and passed on as typed: `search oat milk` finds notes with both words, a phrase
 * is in double quotes inside the argument (`search '"oat milk"'`), and a word left out (`-tea`) goes
 * in a quoted query or after `--`, since a lone `-tea` reads as an option. (A quoted argument is not
 * made a phrase: `search "milk -tea"` must keep its minus.) Pure.
 */
export function searchQuery(words: string[], limit: string | undefined): { text: string; limit?: number } {
  const text = words.join(' ').trim();
  if (text === '') throw new UsageError('search needs a word to look for, e.g. search milk');
  // Counted as the API counts q: in characters (code points), an emoji one.
  const length = characters(text);
  if (length > SEARCH_QUERY_MAX) {
    throw new UsageError(`a search is at most ${SEARCH_QUERY_MAX} characters; this one has ${length}`);
  }
  if (limit === undefined) return { text };
  if (!/^[1-9]\d{0,2}$/.test(limit) || Number(limit) > SEARCH_LIMIT.max) {
    throw new UsageError(`--limit takes a whole number from 1 to ${SEARCH_LIMIT.max}, not "${limit}"`);
  }
  return { text, limit: Number(limit) };
}

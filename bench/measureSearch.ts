import pg from 'pg';
import { NotesStore } from '../functions/notes/NotesStore.js';
import type { SearchQuery } from '../functions/notes/searchNotes.js';
import { prepareSearchDatabase, searchVocabulary } from './prepareSearchDatabase.js';
import { timed } from './stats.js';
import { databaseConnection } from '../functions/db/databaseConnection.js';

/** The searches measured: a rare word, a common one, two words, a phrase, with a filter. */
function searches(): [string, SearchQuery][] {
  const vocabulary = searchVocabulary();
  return [
    ['a rare word', { text: vocabulary[15_000]! }],
    ['the most common word (in ~9 of 10 notes)', { text: 'meeting' }],
    ['a common word (in ~1 of 3 notes)', { text: 'milk' }],
    ['two words', { text: 'milk project' }],
    ['a phrase', { text: '"weekly report"' }],
    ['a common word in one folder', { text: 'milk', folderId: 7 }],
  ];
}

/**
 * NotesStore.searchNotes on `count` notes of a PostgreSQL server, each search `rounds` times after one
 * warm-up: the time the API spends on a search (both queries, the server's work and the transfer of
 * at most 20 rows). Returns the samples and, per search, how many notes matched (`1000+`: more).
 */
export async function measureSearch(
  adminUrl: string,
  count: number,
  rounds: number,
  log: (line: string) => void,
): Promise<{ times: Record<string, number[]>; matches: Record<string, string> }> {
  const url = await prepareSearchDatabase(adminUrl, count, log);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: url }));
  const times: Record<string, number[]> = {};
  const matches: Record<string, string> = {};
  try {
    for (const [name, query] of searches()) {
      const label = `search ${count.toLocaleString('en-US')} notes: ${name} (${JSON.stringify(query.text)})`;
      const { total, totalExact } = await store.searchNotes(query);
      matches[label] = `${total}${totalExact ? '' : '+'}`;
      times[label] = [];
      for (let round = 0; round < rounds; round++) times[label].push(await timed(() => store.searchNotes(query)));
    }
  } finally {
    await pool.end();
  }
  return { times, matches };
}

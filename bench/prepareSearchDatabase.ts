import pg from 'pg';
import { benchDatabase } from './benchDatabase.js';

/**
 * Words people write in notes, most frequent first. The text generator draws from this head and from
 * a long tail of made-up words with a skewed (roughly Zipfian) distribution: the first word is in about
 * nine notes of ten, the tail's words in a few hundred notes or fewer. Stop words are left out: the
 * index has none.
 */
const HEAD = (
  'meeting note project milk call review plan team weekly report budget garden travel idea book recipe ' +
  'shopping eggs bread coffee café crème brûlée naïve déjà vu Müller straße 東京 ☕ 🎉 invoice client ' +
  'deadline draft email follow-up question answer bug release deploy server database backup restore ' +
  'kids school doctor dentist birthday gift party dinner lunch breakfast running gym yoga music film'
).split(' ');
const SYLLABLES = 'ka to mi re su no la be di go fa pe ri zu ve mo ta ne li ro sa ku'.split(' ');

/** The vocabulary: the head, then `tail` made-up words of 2 to 4 syllables, from a fixed seed. */
export function searchVocabulary(tail = 20_000, seed = 21): string[] {
  let state = seed;
  const next = () => {
    // mulberry32: a small PRNG, so that every run builds the same text.
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const words = new Set(HEAD);
  while (words.size < HEAD.length + tail) {
    const length = 2 + Math.floor(next() * 3);
    words.add(Array.from({ length }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join(''));
  }
  return [...words];
}

/**
 * Creates (or reuses) `notes_bench_search_<count>` on the server of `adminUrl`: migrated, `count` notes
 * of 2–6 title words and 20–119 body words drawn from `searchVocabulary()`, inserted by one
 * `insert … select generate_series` (the word choices come from hashint4 of the note and word number:
 * the same text on every run). Returns its URL.
 */
export async function prepareSearchDatabase(adminUrl: string, count: number, log: (line: string) => void): Promise<string> {
  const name = `notes_bench_search_${count}`;
  const url = new URL(await benchDatabase(adminUrl, name));
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    const notes = Number((await db.query('select count(*) from notes')).rows[0].count);
    if (notes === count) {
      log(`reusing ${name} (${count.toLocaleString('en-US')} notes)`);
      return url.toString();
    }
    log(`filling ${name} with ${count.toLocaleString('en-US')} notes…`);
    await db.query('truncate notes, folders, tags, note_tags restart identity cascade');
    await db.query(`insert into folders (name) select 'folder ' || i from generate_series(1, 50) i`);
    const started = performance.now();
    const vocabulary = searchVocabulary();
    await db.query('create temp table vocabulary (n int primary key, word text not null)');
    await db.query('insert into vocabulary select n, word from unnest($1::text[]) with ordinality as v(word, n)', [vocabulary]);
    // u(i, j) in [0, 1), cubed: word 1 is drawn most, the tail rarely.
    const words = (count: string, salt: number) => `
      (select string_agg(v.word, ' ' order by j) from generate_series(1, ${count}) j
         join vocabulary v on v.n = 1 + floor(${vocabulary.length} *
              power((hashint4(i * 1000 + j * 7 + ${salt}) & 2147483647)::float8 / 2147483648, 3))::int)`;
    await db.query(
      `insert into notes (folder_id, title, body, updated_at)
       select 1 + i % 50, ${words('2 + i % 5', 1)}, ${words('20 + (i * 7) % 100', 3)}, now() - i * interval '1 minute'
         from generate_series(1, $1::int) i`,
      [count],
    );
    await db.query('vacuum analyze notes');
    log(`filled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return url.toString();
  } finally {
    await db.end();
  }
}

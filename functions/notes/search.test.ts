import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { callRoute } from '../../test/support/events.js';
import { createTestDatabase, describeWithPostgres } from '../../test/support/postgres.js';
import { databaseConnection } from '../db/databaseConnection.js';
import { migrate } from '../db/migrate.js';
import { silentLogger } from '../log/Logger.js';
import { createNotesHandler } from './handler.js';
import { NotesStore } from './NotesStore.js';
import type { MatchRange } from './readHighlights.js';
import type { SearchHit } from './searchNotes.js';

/** The words a hit's ranges point at: what a terminal would highlight. */
const words = (text: string | null, ranges: MatchRange[]) => ranges.map(([start, end]) => [...(text ?? '')].slice(start, end).join(''));

describeWithPostgres('search: GET /notes?q= on the real PostgreSQL (ranking, filters, highlights, hostile queries)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let handler: ReturnType<typeof createNotesHandler>;
  const folders: Record<string, number> = {};

  const call = (method: string, path: string, body?: unknown) => callRoute(handler, method, path, body);
  const search = async (query: Record<string, string>) => {
    const answer = await call('GET', `/notes?${new URLSearchParams(query)}`);
    expect(answer.status).toBe(200);
    return answer.json as { notes: SearchHit[]; total: number };
  };
  const titles = async (query: Record<string, string>) => (await search(query)).notes.map((note) => note.title);

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(databaseConnection({ DATABASE_URL: database.url }));
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const store = new NotesStore(pool, databaseConnection({ DATABASE_URL: database.url }));
    handler = createNotesHandler({ store: () => store, logger: silentLogger });

    folders.home = (await call('POST', '/folders', { name: 'home' })).json.folder.id;
    folders.groceries = (await call('POST', '/folders', { name: 'groceries', parentId: folders.home })).json.folder.id;
    folders.work = (await call('POST', '/folders', { name: 'work' })).json.folder.id;
    const notes: [string, string, string | null, string[]][] = [
      ['Run club', 'meet at the park gate', 'work', []],
      ['Weekend', 'went running by the river', 'home', []],
      ['Groceries', 'milk, eggs,\n\n  oat milk', 'groceries', ['shop']],
      ['Milk tea', 'black tea with milk', 'work', ['shop']],
      ['☕🎉 Crème brûlée', 'Zucker, Sahne — café crème', 'groceries', ['dessert']],
      ['plain \uE000cheese\uE001 board', 'milk and \uE000honey\uE001', null, []],
      ['Zoo <draft> plans', 'if a<b and c>d then walrus; <!-- hidden comment --> walrus', null, []],
      ['Markup', '<b>butter</b> &amp; jam &lt; <script>alert(1)</script> toast', null, []],
      ['Seasoning', 'salt/pepper to taste', null, []],
    ];
    for (const [title, body, folder, tags] of notes) {
      const { id } = (await call('POST', '/notes', { title, body, folderId: folder ? folders[folder] : null })).json.note;
      for (const tag of tags) await call('PUT', `/notes/${id}/tags/${tag}`);
    }
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('puts a title match above a body match, and finds other forms of a word (running → Run)', async () => {
    expect(await titles({ q: 'running' })).toEqual(['Run club', 'Weekend']);
    expect(await titles({ q: 'runs' })).toEqual(['Run club', 'Weekend']);
  });

  it.each([
    ['one word', 'milk', ['Milk tea', 'plain \uE000cheese\uE001 board', 'Groceries']],
    ['a phrase, in quotes', '"oat milk"', ['Groceries']],
    ['a word left out with -', 'milk -tea', ['plain \uE000cheese\uE001 board', 'Groceries']],
    ['or', 'gate or river', ['Weekend', 'Run club']],
    ['all words by default', 'black milk', ['Milk tea']],
    ['accented words as written', 'café brûlée', ['☕🎉 Crème brûlée']],
    ['case does not matter', 'MILK TEA', ['Milk tea']],
    ['nothing matches', 'spaceship', []],
    ['tsquery operators are plain punctuation', "milk & (eggs | !oat):*'\\", ['Groceries']],
    ['SQL is only words', "'; drop table notes; --", []],
    ['words joined by commas are words, not a phrase', 'eggs,milk', ['Groceries']],
    ['and by semicolons', 'oat;eggs', ['Groceries']],
    ['a phrase keeps its commas a phrase', '"milk, eggs"', ['Groceries']],
    ['a word left out after a comma', 'milk,-tea', ['plain \uE000cheese\uE001 board', 'Groceries']],
    ['a slash separates words in the query', 'pepper/salt', ['Seasoning']],
    ['and in the note', 'pepper', ['Seasoning']],
    ['a phrase across a slash', '"salt/pepper"', ['Seasoning']],
    ['a word in what looks like a tag', 'hidden comment', ['Zoo <draft> plans']],
    ['between < and >', 'c', ['Zoo <draft> plans']],
    ['a tag name', 'script alert', ['Markup']],
    ['a word after </', 'butter', ['Markup']],
    ['a query holding markup', '<b>butter</b>', ['Markup']],
    ['an entity is not a word', 'amp', []],
  ])('%s: %s', async (_case, q, expected) => {
    expect((await titles({ q })).sort()).toEqual([...expected].sort());
  });

  it.each([
    ['hidden', 'if a<b and c>d then walrus; <!-- hidden comment --> walrus', ['hidden']],
    // An excerpt starts at a word (here the second: `b` is one).
    ['alert toast', 'butter</b> &amp; jam &lt; <script>alert(1)</script> toast', ['alert', 'toast']],
    ['pepper', 'salt/pepper to taste', ['pepper']],
  ])('shows a snippet as the note has it, markup and entities included (%s)', async (q, snippet, matched) => {
    const [hit] = (await search({ q })).notes;

    expect(hit!.snippet).toBe(snippet);
    expect(words(hit!.snippet, hit!.snippetMatches)).toEqual(matched);
  });

  it('highlights a title word inside <…> in the title as written', async () => {
    const [hit] = (await search({ q: 'draft' })).notes;

    expect(hit).toMatchObject({ title: 'Zoo <draft> plans', titleMatches: [[5, 10]] });
  });

  it('ranks by how well a note matches: a title and body match, then a body with the word twice, then once', async () => {
    expect(await titles({ q: 'milk' })).toEqual(['Milk tea', 'Groceries', 'plain \uE000cheese\uE001 board']);
  });

  it.each<[string, { q: string; folderId?: string; tag?: string }, string[]]>([
    ['a folder covers its sub-folders', { q: 'milk', folderId: 'home' }, ['Groceries']],
    ['a sub-folder alone', { q: 'milk', folderId: 'groceries' }, ['Groceries']],
    ['another folder', { q: 'milk', folderId: 'work' }, ['Milk tea']],
    ['a tag', { q: 'milk', tag: 'shop' }, ['Milk tea', 'Groceries']],
    ['a folder and a tag', { q: 'milk', folderId: 'home', tag: 'shop' }, ['Groceries']],
    ['a tag no match carries', { q: 'milk', tag: 'dessert' }, []],
    ['an unknown tag', { q: 'milk', tag: 'nope' }, []],
  ])('filters: %s', async (_case, { folderId, ...query }, expected) => {
    expect(await titles({ ...query, ...(folderId ? { folderId: String(folders[folderId]) } : {}) })).toEqual(expected);
  });

  it('finds nothing in a folder that does not exist', async () => {
    expect(await search({ q: 'milk', folderId: '999999' })).toEqual({ notes: [], total: 0, totalExact: true });
  });

  it.each([
    ['home', ['Groceries', '☕🎉 Crème brûlée', 'Weekend']],
    ['groceries', ['Groceries', '☕🎉 Crème brûlée']],
    ['work', ['Milk tea', 'Run club']],
  ])('notes --folder %s lists the notes of its sub-folders too', async (folder, expected) => {
    const { json } = await call('GET', `/notes?folderId=${folders[folder]}`);
    expect(json.notes.map((note: { title: string }) => note.title).sort()).toEqual(expected.sort());
  });

  it('answers the matching words as plain text and code-point ranges, multi-byte text included', async () => {
    const [hit] = (await search({ q: 'brûlée crème' })).notes;

    expect(hit).toMatchObject({
      title: '☕🎉 Crème brûlée',
      titleMatches: [
        [3, 8],
        [9, 15],
      ],
      snippet: 'Zucker, Sahne — café crème',
    });
    expect(words(hit!.title, hit!.titleMatches)).toEqual(['Crème', 'brûlée']);
    expect(words(hit!.snippet, hit!.snippetMatches)).toEqual(['crème']);
  });

  it('gives a one-line snippet only where the body matches', async () => {
    const { notes } = await search({ q: 'milk' });
    const byTitle = Object.fromEntries(notes.map((note) => [note.title, note]));

    const groceries = byTitle.Groceries!;
    expect(groceries).toMatchObject({ titleMatches: [], snippet: 'milk, eggs, oat milk' });
    expect(words(groceries.snippet, groceries.snippetMatches)).toEqual(['milk', 'milk']);
    expect((await search({ q: 'club' })).notes[0]).toMatchObject({
      title: 'Run club',
      titleMatches: [[4, 8]],
      snippet: null,
      snippetMatches: [],
    });
  });

  it("never takes a note's own marker characters for a highlight", async () => {
    const hit = (await search({ q: 'milk' })).notes.find((note) => note.title.startsWith('plain'))!;

    expect(hit.title).toBe('plain \uE000cheese\uE001 board');
    expect(hit.titleMatches).toEqual([]);
    expect(hit.snippet).toBe('milk and \uFFFDhoney\uFFFD');
    expect(words(hit.snippet, hit.snippetMatches)).toEqual(['milk']);
    const cheese = (await search({ q: 'cheese' })).notes[0]!;
    expect(words(cheese.title, cheese.titleMatches)).toEqual(['cheese']);
  });

  it('returns at most limit notes (20 unless asked), and how many match in all', async () => {
    for (let i = 0; i < 25; i++) await call('POST', '/notes', { title: `Lantern ${i}`, body: 'lantern oil' });

    expect(await search({ q: 'lantern', limit: '3' })).toMatchObject({ total: 25, totalExact: true, notes: { length: 3 } });
    expect(await search({ q: 'lantern' })).toMatchObject({ total: 25, notes: { length: 20 } });
    expect(await search({ q: 'lantern', limit: '100' })).toMatchObject({ total: 25, notes: { length: 25 } });
    expect(await search({ q: 'spaceship' })).toEqual({ notes: [], total: 0, totalExact: true });
  });

  it('ranks and counts only the 1,000 most recently changed matches of a broad search', async () => {
    await pool.query(
      `insert into notes (title, body, updated_at)
       select 'Candle ' || i, 'candle wax', now() - i * interval '1 minute' from generate_series(1, 1100) i;
       insert into notes (title, body, updated_at) values ('Candle candle candle', 'candle', now() - interval '1 year')`,
    );
    // Tagged in SQL: tagging through the API changes the note, which would make it the newest one.
    await pool.query(`
      insert into tags (name) values ('old');
      insert into note_tags select n.id, t.id from notes n, tags t where n.title = 'Candle candle candle' and t.name = 'old'`);

    const broad = await search({ q: 'candle', limit: '100' });
    const narrow = await search({ q: 'candle', tag: 'old' });

    expect(broad).toMatchObject({ total: 1000, totalExact: false, notes: { length: 100 } });
    expect(broad.notes.map((note) => note.title)).not.toContain('Candle candle candle');
    expect(broad.notes.map((note) => Number(note.title.split(' ')[1])).every((i) => i <= 1000)).toBe(true);
    expect(narrow).toMatchObject({ total: 1, totalExact: true, notes: [{ title: 'Candle candle candle' }] });
  });

  it('indexes the first 100,000 characters of a body, so that no body is too long to save', async () => {
    // 1,000,000 characters of distinct words: a tsvector of all of it would be over PostgreSQL's 1 MB.
    const hashes = Array.from({ length: 30_300 }, (_, i) => createHash('md5').update(String(i)).digest('hex'));
    const body = hashes.join(' ').slice(0, 1_000_000);

    const saved = await call('POST', '/notes', { title: 'A pasted log', body });

    expect(saved.status).toBe(201);
    expect(await titles({ q: hashes[10]! })).toEqual(['A pasted log']);
    expect(await titles({ q: hashes[29_000]! })).toEqual([]);
  });

  it.each([
    ['only stop words', 'the and of', 400, 'UNSEARCHABLE_QUERY', '"the and of" has no word to search for'],
    ['only punctuation', "&|!():*'\\", 400, 'UNSEARCHABLE_QUERY', `"&|!():*'\\" has no word to search for`],
    ['only a double quote', '"', 400, 'UNSEARCHABLE_QUERY', `'"' has no word to search for`],
    ['a quoted stop word', '"the"', 400, 'UNSEARCHABLE_QUERY', `'"the"' has no word to search for`],
    ['empty', '', 400, 'INVALID_INPUT', 'q must be 1 to 200 characters'],
    ['blank', '   ', 400, 'INVALID_INPUT', 'q must be 1 to 200 characters'],
    ['too long', 'milk '.repeat(40).concat('x'), 400, 'INVALID_INPUT', 'q must be 1 to 200 characters'],
    ['a NUL character', 'milk\u0000', 400, 'INVALID_INPUT', 'q must not contain NUL characters'],
  ])('refuses a query that is %s', async (_case, q, status, code, message) => {
    const answer = await call('GET', `/notes?${new URLSearchParams({ q })}`);

    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toBe(code);
    expect(answer.json.error.message).toContain(message);
  });

  it.each([
    ['q=milk&limit=0', 'limit must be a whole number from 1 to 100'],
    ['q=milk&limit=101', 'limit must be a whole number from 1 to 100'],
    ['q=milk&limit=ten', 'limit must be a whole number from 1 to 100'],
    ['limit=5', 'limit applies to a search: give q too'],
    ['query=milk', 'unknown query parameter "query"; allowed: q, folderId, tag, limit'],
    ['q=milk&folderId=0', 'folderId must be a whole number from 1 to 2147483647'],
  ])('refuses GET /notes?%s', async (query, message) => {
    expect(await call('GET', `/notes?${query}`)).toEqual({ status: 400, json: { error: { code: 'INVALID_INPUT', message } } });
  });

  it('accepts a query of exactly 200 characters', async () => {
    expect((await call('GET', `/notes?${new URLSearchParams({ q: `${'milk '.repeat(39)}milky` })}`)).status).toBe(200);
  });
});

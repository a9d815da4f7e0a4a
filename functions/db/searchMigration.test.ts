import { describe, expect, it } from '@jest/globals';
import { runner } from 'node-pg-migrate';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../../test/support/apiProcess.js';
import { migrationNames } from '../../test/support/migrationNames.js';
import { createTestDatabase, postgresReachable } from '../../test/support/postgres.js';
import { seedNotes } from '../../test/support/seedNotes.js';
import { removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { NotesStore } from '../notes/NotesStore.js';
import type { SearchQuery, SearchResult } from '../notes/searchNotes.js';
import { databaseConnection } from './databaseConnection.js';
import { EmbeddedDatabase } from './embedded/EmbeddedDatabase.js';
import { createTemplate } from './embedded/pgliteTemplate.js';
import { migrate } from './migrate.js';

const SEARCH_MIGRATION = migrationNames().find((name) => name.endsWith('_notes-search'))!;

/** A database of one of the two kinds the product runs on; `reopen` is what an upgraded app does on start. */
interface OldDatabase {
  url: string;
  reopen(): Promise<string>;
  close(): Promise<void>;
}

const PATHS: [string, () => string | undefined, () => Promise<OldDatabase>][] = [
  [
    'the PostgreSQL server',
    () => (postgresReachable() ? undefined : 'no PostgreSQL server reachable'),
    async () => {
      const database = await createTestDatabase();
      return { url: database.url, reopen: async () => database.url, close: database.drop };
    },
  ],
  [
    'the embedded PGlite database',
    () => undefined,
    async () => {
      await createTemplate();
      const folder = await tempFolder('notes-search-migration-');
      let running = await EmbeddedDatabase.start(join(folder, 'pglite'));
      return {
        url: running.url,
        async reopen() {
          await running.close();
          running = await EmbeddedDatabase.start(join(folder, 'pglite'));
          return running.url;
        },
        async close() {
          await running.close();
          await removeFolder(folder);
        },
      };
    },
  ],
];

/** Moves a database `count` migrations up or down with node-pg-migrate itself, as `migrate` does. */
async function step(url: string, direction: 'up' | 'down', count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: join(ROOT, 'migrations'),
      migrationsTable: 'pgmigrations',
      direction,
      count,
      checkOrder: true,
      noLock: true,
      log: () => undefined,
    });
    return applied.map((migration) => migration.name);
  } finally {
    await client.end();
  }
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** What the migration adds, of what is there: the column and the indexes. */
async function searchColumns(url: string): Promise<string[]> {
  const rows = await sql<{ name: string }>(
    url,
    `select column_name as name from information_schema.columns where table_name = 'notes' and column_name = 'search'
     union all select indexname from pg_indexes where tablename = 'notes' and indexname in ('notes_search_idx', 'notes_updated_at_idx')`,
  );
  return rows.map((row) => row.name).sort();
}

async function search(url: string, query: SearchQuery): Promise<SearchResult> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await new NotesStore(pool, databaseConnection({ DATABASE_URL: url })).searchNotes(query);
  } finally {
    await pool.end();
  }
}

async function searchTitles(url: string, text: string): Promise<string[]> {
  return (await search(url, { text })).notes.map((note) => note.title);
}

for (const [name, unavailable, open] of PATHS) {
  const reason = unavailable();
  if (reason && process.env.CI !== 'true') process.stderr.write(`SKIPPED "search migration [${name}]": ${reason}\n`);
  (reason && process.env.CI !== 'true' ? describe.skip : describe)(`the search migration on ${name}`, () => {
    it('indexes the notes a database already holds, and the notes written after it; its Down undoes it', async () => {
      const database = await open();
      try {
        expect(await step(database.url, 'up', migrationNames().indexOf(SEARCH_MIGRATION))).not.toContain(SEARCH_MIGRATION);
        await seedNotes(database.url);
        expect(await searchColumns(database.url)).toEqual([]);

        const url = await database.reopen();
        const applied = await migrate(databaseConnection({ DATABASE_URL: url }));

        expect(applied).toEqual([SEARCH_MIGRATION]);
        expect(await searchColumns(url)).toEqual(['notes_search_idx', 'notes_updated_at_idx', 'search']);
        expect(await searchTitles(url, 'crème')).toEqual(['Crème brûlée']);
        // The search's whole SQL on this path: the folder (two levels above the note's), the tag, the ranges.
        const [home] = await sql<{ id: number }>(url, `select id from folders where name = 'home'`);
        expect(await search(url, { text: 'brûlée sahne', folderId: home!.id, tag: '日本語' })).toEqual({
          notes: [expect.objectContaining({ title: 'Crème brûlée', titleMatches: [[6, 12]], snippet: expect.stringContaining('Sahne') })],
          total: 1,
          totalExact: true,
        });
        expect(await searchTitles(url, 'edited')).toEqual(['top-level note']);
        await sql(url, `insert into notes (title, body) values ('Running shoes', 'new after the migration')`);
        expect(await searchTitles(url, 'run')).toEqual(['Running shoes']);
        // Plain text, not markup: words inside <…> are found and the snippet is the text as written.
        await sql(
          url,
          `insert into notes (title, body) values ('Walrus', 'if a<b and c>d then walrus; <!-- hidden comment --> &amp; walrus')`,
        );
        expect(await search(url, { text: 'comment' })).toMatchObject({
          notes: [{ title: 'Walrus', snippet: 'if a<b and c>d then walrus; <!-- hidden comment --> &amp; walrus' }],
        });

        expect(await step(url, 'down', 1)).toEqual([SEARCH_MIGRATION]);
        expect(await searchColumns(url)).toEqual([]);
        expect(await migrate(databaseConnection({ DATABASE_URL: url }))).toEqual([SEARCH_MIGRATION]);
        expect(await searchTitles(url, 'sahne')).toEqual(['Crème brûlée']);
        expect(await searchTitles(url, 'shoes')).toEqual(['Running shoes']);
        expect(await searchTitles(url, 'hidden')).toEqual(['Walrus']);
      } finally {
        await database.close();
      }
    });
  });
}

import pg from 'pg';
import { benchDatabase } from './benchDatabase.js';

/**
 * Creates (or reuses) `name` (`notes_bench_<size>` by default) on the server of `adminUrl`, migrated and
 * filled with realistic notes — text, jsonb, bytea, indexes — until the database holds about `sizeMb` MB.
 * Returns its URL. Reuse is keyed on the name and size, so a second run skips the slow part.
 */
export async function prepareDatabase(
  adminUrl: string,
  sizeMb: number,
  log: (line: string) => void,
  name = `notes_bench_${sizeMb}`,
): Promise<string> {
  const url = new URL(await benchDatabase(adminUrl, name));
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    const size = async () => Number((await db.query('select pg_database_size(current_database()) as bytes')).rows[0].bytes) / 1e6;
    if ((await size()) >= sizeMb * 0.95) {
      log(`reusing ${name} (${(await size()).toFixed(0)} MB)`);
      return url.toString();
    }
    await db.query(`insert into folders (name) select 'folder ' || i from generate_series(1, 50) i on conflict do nothing`);
    await db.query(`insert into tags (name) select 'tag ' || i from generate_series(1, 200) i on conflict do nothing`);
    for (let batch = 0; (await size()) < sizeMb; batch++) {
      await db.query(
        `insert into notes (folder_id, title, body, status, metadata, attachment)
         select (i % 50) + 1,
                'Note ' || i || ' — ' || left(md5(i::text), 12),
                repeat(md5(i::text) || ' lorem ipsum dolor sit amet, café ☕ ', 1 + (i % 40)),
                (array['draft', 'active', 'archived'])[1 + i % 3]::note_status,
                jsonb_build_object('words', i % 997, 'source', 'bench', 'tags', jsonb_build_array(i % 7, i % 11), 'nested', jsonb_build_object('x', i)),
                decode(repeat(md5((i * 7)::text), 4 + i % 8), 'hex')
           from generate_series($1::int, $1::int + 19999) i`,
        [batch * 20_000],
      );
      await db.query(`insert into note_tags select n.id, 1 + (n.id % 200) from notes n where n.id > $1 on conflict do nothing`, [
        batch * 20_000,
      ]);
      log(`filling ${name}: ${(await size()).toFixed(0)} / ${sizeMb} MB`);
    }
    await db.query('vacuum analyze');
    return url.toString();
  } finally {
    await db.end();
  }
}

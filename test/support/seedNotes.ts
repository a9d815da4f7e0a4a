import pg from 'pg';

/**
 * Fills a migrated notes database with rows that exercise every column type: nested folders,
 * non-ASCII text, jsonb, bytea (every byte value), tags, an enum, and a trigger-touched updated_at.
 */
export async function seedNotes(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      insert into folders (name) values ('home'), ('work');
      insert into folders (parent_id, name) select id, 'groceries' from folders where name = 'home';
      insert into folders (parent_id, name) select id, 'épicerie fine ☕' from folders where name = 'groceries';
      insert into tags (name) values ('urgent'), ('日本語'), ('emoji 🎉');
    `);
    const attachment = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await client.query(
      `insert into notes (folder_id, title, body, status, metadata, attachment)
       select f.id, $1, $2, 'draft', $3::jsonb, $4 from folders f where f.name = 'épicerie fine ☕'`,
      [
        'Crème brûlée',
        'Zucker, Sahne, Eier — «quotes», \\backslash, tab\tand\nnewline',
        { stars: 5, tags: ['dessert'], nested: { ok: true } },
        attachment,
      ],
    );
    await client.query(`insert into notes (title, body) values ('top-level note', 'no folder'), ('empty body', '')`);
    await client.query(`insert into note_tags select n.id, t.id from notes n cross join tags t where n.title = 'Crème brûlée'`);
    await client.query(`update notes set body = body || ' (edited)' where title = 'top-level note'`);
  } finally {
    await client.end();
  }
}

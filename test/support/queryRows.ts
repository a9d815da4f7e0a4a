import pg from 'pg';

/**
 * The rows of one statement, run on a connection of its own to `url` (opened and closed around it):
 * what a test reads back to check the database really holds what an answer claims.
 */
export async function queryRows<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

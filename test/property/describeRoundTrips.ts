import { BackupFolder } from '../../functions/backup/folder/BackupFolder.js';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { BackupCreator } from '../../functions/backup/dump/BackupCreator.js';
import { PgDumpSource } from '../../functions/backup/dump/PgDumpSource.js';
import { restoreBackup } from '../../functions/backup/restore/restoreBackup.js';
import { PgliteScratch } from '../../functions/backup/verify/PgliteScratch.js';
import { ServerScratch } from '../../functions/backup/verify/ServerScratch.js';
import { verifyBackup } from '../../functions/backup/verify/verifyBackup.js';
import { databaseConnection } from '../../functions/db/databaseConnection.js';
import { PgliteDumpSource } from '../../functions/db/embedded/PgliteDumpSource.js';
import { hostileRows } from '../support/hostileText.js';
import { type AgeIdentity, readIdentityFile } from '../../functions/backup/encryption/readIdentityFile.js';
import { join } from 'node:path';
import { describeWithPostgres, runSql } from '../support/postgres.js';
import { removeFolder, tempFolder } from '../support/tempFolder.js';
import { startThrowAwayServer } from '../support/throwAwayServer.js';

const ROWS_DIGEST = `select count(*)::int as n, md5(coalesce(string_agg(r::text, E'\\n' order by id), '')) as digest from public.rt r`;

type Row = { title: string; body: string | null };

async function digestOn(url: string): Promise<{ n: number; digest: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number; digest: string }>(ROWS_DIGEST)).rows[0]!;
  } finally {
    await client.end();
  }
}

/**
 * Fidelity, proven on generated data: notes whose text holds every psql meta-command, SQL, quotes,
 * dollar quotes, backslashes, CR, CRLF, U+2028 and long lines are backed up by the product (the real
 * pg_dump, or the embedded one), restored onto the PostgreSQL 15 here (a server of its own, started
 * for these tests with fsync off: databases are created and dropped for every case), compared row by
 * row (md5), and `verify` proves the backup. fast-check shrinks a failure to its smallest case (printed
 * with its seed). `server` cases on the server path, `embedded` on the embedded one, whose verify (an
 * in-memory PGlite each time) runs on every `verifyEvery`-th case. On the server path each dump is
 * followed, nothing having changed, by a backup made from it (a hard link), which is restored and verified.
 */
export function describeRoundTrips(runs: { server: number; encrypted: number; embedded: number; verifyEvery: number }): void {
  describeWithPostgres('fidelity: generated note text comes back byte for byte (fast-check round trips)', () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof startThrowAwayServer>>;
    beforeAll(async () => {
      dir = await tempFolder('notes-roundtrip-');
      // Autovacuum off: an ANALYZE moves the server's transaction counter, and the server-path cases
      // expect the backup right after a dump to be made from it (nothing else runs on this server).
      server = await startThrowAwayServer({ autovacuum: 'off' });
    });
    afterAll(async () => {
      await server?.stop();
      await removeFolder(dir);
    });

    /** Restores `path` into a new database, compares its rows with `expected`, and drops it. */
    async function restoreAndCompare(path: string, expected: { n: number; digest: string }, identity?: AgeIdentity): Promise<void> {
      const target = `notes_rt_dst_${randomBytes(4).toString('hex')}`;
      try {
        await restoreBackup({ file: path, into: server.url(target), ...(identity ? { identity } : {}) });
        expect(await digestOn(server.url(target))).toEqual(expected);
      } finally {
        await runSql(`drop database if exists ${target} with (force)`, server.url());
      }
    }

    it(
      `server path (pg_dump, COPY), ${runs.server} cases: backup, restore and verify; the next backup, nothing changed, made from it restores the same`,
      async () => {
        await runSql('create database notes_rt_src', server.url());
        const source = server.url('notes_rt_src');
        const connection = databaseConnection({ DATABASE_URL: source });
        const creator = new BackupCreator({ folder: new BackupFolder(dir), source: new PgDumpSource({ connection }) });
        const manifest = new BackupFolder(dir).manifest;
        const scratch = new ServerScratch(connection);
        const client = new pg.Client({ connectionString: source });
        await client.connect();
        try {
          await client.query('create table public.rt (id int primary key, title text not null, body text)');
          await fc.assert(
            fc.asyncProperty(hostileRows, async (rows: Row[]) => {
              await client.query('truncate public.rt');
              for (const [id, row] of rows.entries()) {
                await client.query('insert into public.rt values ($1, $2, $3)', [id, row.title, row.body]);
              }
              const backup = await creator.create();
              // Nothing changed: an instant backup (a link to the dump), before the restore's CREATE DATABASE moves the counter.
              const instant = await creator.create();
              try {
                expect(instant).toMatchObject({ unchangedSince: backup.file, sha256: backup.sha256 });
                const expected = await digestOn(source);
                await restoreAndCompare(instant.path, expected);
                await rm(backup.path);
                // The dump's name gone, its content stays under the instant backup's.
                expect(await verifyBackup(instant.path, manifest, scratch)).toMatchObject({ ok: true, problems: [], proved: 'everything' });
              } finally {
                await rm(backup.path, { force: true });
                await rm(instant.path, { force: true });
              }
            }),
            { numRuns: runs.server },
          );
        } finally {
          await client.end();
        }
      },
      60 * 60_000,
    );

    it(
      `server path, encrypted (age): ${runs.encrypted} cases: backup, restore and verify with the identity`,
      async () => {
        const identity = await readIdentityFile(join(import.meta.dirname, '../fixtures/age/test-identity.txt'));
        await runSql('create database notes_rt_enc', server.url());
        const source = server.url('notes_rt_enc');
        const connection = databaseConnection({ DATABASE_URL: source });
        const creator = new BackupCreator({
          folder: new BackupFolder(dir),
          source: new PgDumpSource({ connection }),
          encryptTo: identity.recipients,
        });
        const manifest = new BackupFolder(dir).manifest;
        const scratch = new ServerScratch(connection);
        const client = new pg.Client({ connectionString: source });
        await client.connect();
        try {
          await client.query('create table public.rt (id int primary key, title text not null, body text)');
          await fc.assert(
            fc.asyncProperty(hostileRows, async (rows: Row[]) => {
              await client.query('truncate public.rt');
              for (const [id, row] of rows.entries()) {
                await client.query('insert into public.rt values ($1, $2, $3)', [id, row.title, row.body]);
              }
              const backup = await creator.create();
              try {
                expect(backup.path).toMatch(/\.sql\.age$/);
                await restoreAndCompare(backup.path, await digestOn(source), identity);
                expect(await verifyBackup(backup.path, manifest, scratch, undefined, identity)).toMatchObject({
                  ok: true,
                  problems: [],
                  proved: 'everything',
                });
              } finally {
                await rm(backup.path, { force: true });
              }
            }),
            { numRuns: runs.encrypted },
          );
        } finally {
          await client.end();
        }
      },
      60 * 60_000,
    );

    it(
      `embedded path (PGlite pg_dump, --inserts), ${runs.embedded} cases: backup, restore onto PostgreSQL 15, verify`,
      async () => {
        const db = await PGlite.create();
        const creator = new BackupCreator({ folder: new BackupFolder(dir), source: new PgliteDumpSource(db, 'notes-rt') });
        const manifest = new BackupFolder(dir).manifest;
        const scratch = new PgliteScratch();
        let run = 0;
        try {
          await db.exec('create table public.rt (id int primary key, title text not null, body text)');
          await fc.assert(
            fc.asyncProperty(hostileRows, async (rows: Row[]) => {
              await db.exec('truncate public.rt');
              for (const [id, row] of rows.entries())
                await db.query('insert into public.rt values ($1, $2, $3)', [id, row.title, row.body]);
              const expected = (await db.query<{ n: number; digest: string }>(ROWS_DIGEST)).rows[0]!;
              const backup = await creator.create();
              try {
                await restoreAndCompare(backup.path, expected);
                if (run++ % runs.verifyEvery === 0) {
                  expect(await verifyBackup(backup.path, manifest, scratch)).toMatchObject({
                    ok: true,
                    problems: [],
                    proved: 'everything',
                  });
                }
              } finally {
                await rm(backup.path, { force: true });
              }
            }),
            { numRuns: runs.embedded },
          );
        } finally {
          await db.close();
        }
      },
      60 * 60_000,
    );
  });
}

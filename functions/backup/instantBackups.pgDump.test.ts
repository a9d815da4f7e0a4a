import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATABASE_PATHS, type DatabaseUnderTest } from '../../test/support/databasePaths.js';
import { instantService, originOf } from '../../test/support/instantBackups.js';
import { removeFolder, tempFolder } from '../../test/support/tempFolder.js';
import { databaseConnection } from '../db/databaseConnection.js';
import { PgDumpSource } from './dump/PgDumpSource.js';

const server = DATABASE_PATHS.find((path) => path.name.startsWith('PostgreSQL'))!;
const unavailable = server.unavailable();
const describeOnServer = unavailable && process.env.CI !== 'true' ? describe.skip : describe;

/**
 * pg_dump upgraded in place while the API runs (a package upgrade): the backup after it is a real
 * dump, recorded with the new version line. A wrapper stands in for the upgraded binary: it prints the
 * version line its file holds and runs the real pg_dump otherwise.
 */
describeOnServer(`instant backups after pg_dump changed [${server.name}]`, () => {
  let db: DatabaseUnderTest;
  let dir: string;
  let tools: string;

  beforeAll(async () => {
    db = await server.create({ prefix: 'at24_pgdump', ownServer: true });
    dir = await tempFolder('at24-pgdump-');
    tools = await tempFolder('at24-pgdump-tools-');
  });
  afterAll(async () => {
    await removeFolder(dir);
    await removeFolder(tools);
    await db?.close();
  });

  it('a long-lived source: the pg_dump version line is read again for each backup; a new one means a real dump', async () => {
    const realPgDump = execFileSync('sh', ['-c', 'command -v pg_dump'], { encoding: 'utf8' }).trim();
    const realVersion = execFileSync(realPgDump, ['--version'], { encoding: 'utf8' }).trim();
    const versionFile = join(tools, 'version');
    const wrapper = join(tools, 'pg_dump');
    await writeFile(versionFile, `${realVersion}\n`);
    await writeFile(wrapper, `#!/bin/sh\nif [ "$1" = --version ]; then exec /bin/cat '${versionFile}'; fi\nexec '${realPgDump}' "$@"\n`);
    await chmod(wrapper, 0o755);
    const source = new PgDumpSource({ connection: databaseConnection({ DATABASE_URL: db.url }), pgDumpPath: wrapper });
    const service = instantService(db, dir, { source });
    const dumped = (await service.rotateThenBackUp()).backup;
    expect((await service.rotateThenBackUp()).backup.unchangedSince).toBe(dumped.file);
    const upgraded = realVersion.replace(/\d+\.\d+/, (version) => `${version}9`);
    expect(upgraded).not.toBe(realVersion);

    await writeFile(versionFile, `${upgraded}\n`);
    const next = (await service.rotateThenBackUp()).backup;

    expect(next.unchangedSince).toBeUndefined();
    expect((await originOf(dir, next.file))?.shape).toContain(upgraded);
  });
});

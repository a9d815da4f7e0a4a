#!/usr/bin/env node
// `npm run docs:commands`: writes the command list of README.md and the command table of docs/notes-app.md,
// made from the rows of the command table (cli/notes/commands.ts, cli/notes/commands/), between their marker lines (cli/notes/commandDocs.unit.test.ts
// fails until it is run).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../functions/config/packageRoot.js';
import { COMMAND_DOCS } from './notes/commandDocs.js';

for (const doc of COMMAND_DOCS) {
  const path = join(packageRoot(), doc.file);
  const text = await readFile(path, 'utf8');
  if (!doc.block.test(text)) {
    process.stderr.write(`${path} has no part between the marker lines of cli/notes/commandDocs.ts\n`);
    process.exit(1);
  }
  const updated = text.replace(doc.block, () => doc.text());
  if (updated === text) process.stdout.write(`${doc.file}: up to date\n`);
  else {
    await writeFile(path, updated);
    process.stdout.write(`${doc.file}: written from the command table\n`);
  }
}

#!/usr/bin/env node
// `npm run docs:config`: writes the configuration table made from functions/config/settings.ts into
// docs/configuration.md, between its marker lines (functions/config/configurationTable.test.ts fails until it is run).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIGURATION_TABLE_IN_README, configurationTable } from '../functions/config/configurationTable.js';
import { packageRoot } from '../functions/config/packageRoot.js';

const readmePath = join(packageRoot(), 'docs/configuration.md');
const readme = await readFile(readmePath, 'utf8');
if (!CONFIGURATION_TABLE_IN_README.test(readme)) {
  process.stderr.write(`${readmePath} has no configuration table between the marker lines of functions/config/configurationTable.ts\n`);
  process.exit(1);
}
const updated = readme.replace(CONFIGURATION_TABLE_IN_README, () => configurationTable());
if (updated === readme) process.stdout.write('docs/configuration.md: the configuration table is up to date\n');
else {
  await writeFile(readmePath, updated);
  process.stdout.write('docs/configuration.md: wrote the configuration table\n');
}

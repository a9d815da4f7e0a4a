import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIGURATION_TABLE_IN_README, configurationTable } from './configurationTable.js';
import { packageRoot } from './packageRoot.js';
import { parsers } from './parsers.js';
import { SETTINGS } from './settings.js';

/** The table's lines without the padding that aligns its columns. */
const unpadded = (table: string | undefined) => table?.split('\n').map((line) => line.replace(/ {2,}/g, ' '));
const readmeTable = () => readFileSync(join(packageRoot(), 'docs/configuration.md'), 'utf8').match(CONFIGURATION_TABLE_IN_README)?.[0];

describe('the configuration table', () => {
  it('in docs/configuration.md is the one made from SETTINGS (else run npm run docs:config)', () => {
    expect(readmeTable()?.split('\n')).toEqual(configurationTable().split('\n'));
  });

  it('gets a row for a new setting, so docs/configuration.md is out of date until it has one', () => {
    const withNewSetting = {
      ...SETTINGS,
      keepDecades: { name: 'BACKUP_KEEP_DECADES', fallback: 0, parser: parsers.wholeNumber(0, 10), meaning: 'Decades.' },
    };

    const table = configurationTable(withNewSetting);

    expect(unpadded(table)).toContain('| `BACKUP_KEEP_DECADES` | `0` | whole number, 0–10 | Decades. |');
    expect(table).not.toEqual(readmeTable());
  });

  it('pads every column to its widest cell, as Biome formats the README', () => {
    const lines = configurationTable().split('\n').slice(2, -2);

    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^\| -+ \| -+ \| -+ \| -+ \|$/);
  });

  it.each([
    ['a default given in words', { shown: 'none' }, '| `X` | none | any text | Meaning \\| with a pipe. |'],
    ['a default shown as its value', { fallback: 'a' }, '| `X` | `a` | any text | Meaning \\| with a pipe. |'],
    [
      'a setting read only with another',
      { fallback: 'a', onlyWith: { name: 'Y', value: 'on' } },
      '| `X` | `a` | any text | Meaning \\| with a pipe. Read only with `Y=on`. |',
    ],
  ])('writes %s', (_, row, line) => {
    const setting = { name: 'X', fallback: undefined, parser: parsers.text('any text'), meaning: 'Meaning | with a pipe.', ...row };

    expect(unpadded(configurationTable({ setting }))).toContain(line);
  });
});

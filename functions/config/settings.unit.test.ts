import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from './defaults.js';
import { readSettings } from './readSettings.js';
import { SETTINGS } from './settings.js';

const rows = Object.entries(SETTINGS);
/** Values for the settings whose default is no value. */
const EXAMPLES: Record<string, string> = {
  databaseUrl: 'postgresql://app@db:5432/notes',
  apiToken: 'secret',
  offsite: 's3://my-backups/notes',
  encryptRecipients: 'age13p654c6u2qfndkx29w8ex0l0440e6wqd3n9ljrx9xwhlaung8gksrvrscp',
  encryptRecipientsFile: fileURLToPath(new URL('../../test/fixtures/age/test-recipients.txt', import.meta.url)),
  identityFile: fileURLToPath(new URL('../../test/fixtures/age/test-identity.txt', import.meta.url)),
};
/** The value the README's Default column shows first: `300000` of "`300000` (5 min)". */
const shownValue = (row: (typeof SETTINGS)[keyof typeof SETTINGS]) => (row.shown ?? `\`${String(row.fallback)}\``).match(/^`([^`]+)`/)?.[1];

describe('SETTINGS', () => {
  it.each(rows.filter(([, row]) => row.fallback !== undefined))("%s: the README's default is the fallback the code uses", (key, row) => {
    const shown = shownValue(row);

    expect(shown && row.parser.parse(shown, row.name)).toEqual(row.fallback);
    expect(DEFAULTS[key as keyof typeof SETTINGS]).toEqual(row.fallback);
  });

  it.each(rows)('%s: its variable is known, and read into its field', (key, row) => {
    const value = shownValue(row) ?? EXAMPLES[key]!;
    const env = { [row.name]: ` ${value} `, ...(row.onlyWith ? { [row.onlyWith.name]: row.onlyWith.value } : {}) };

    expect(readSettings(env)[key as keyof typeof SETTINGS]).toEqual(row.parser.parse(value, row.name));
  });

  it('reads every setting as its fallback from an empty environment, and a blank variable as unset', () => {
    const fallbacks = Object.fromEntries(rows.map(([key, row]) => [key, row.fallback]));

    expect(readSettings({})).toEqual(fallbacks);
    expect(readSettings(Object.fromEntries(rows.map(([, row]) => [row.name, '  '])))).toEqual(fallbacks);
  });
});

import { ConfigError } from './ConfigError.js';
import { SETTINGS, type Setting, type Settings } from './settings.js';

/** The `BACKUP_*` variables the API knows: any other is a typo it refuses. */
const KNOWN_BACKUP_KEYS = Object.values(SETTINGS)
  .map(({ name }) => name)
  .filter((name) => name.startsWith('BACKUP_'));

/**
 * Reads every row of SETTINGS from `env`, in the table's order, unset or blank ones as their fallback;
 * throws a ConfigError naming the first unknown `BACKUP_*` variable, else the first bad value.
 */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  for (const key of Object.keys(env)) {
    if (key.startsWith('BACKUP_') && !KNOWN_BACKUP_KEYS.includes(key)) {
      throw new ConfigError(`unknown setting ${key}; known ones: ${KNOWN_BACKUP_KEYS.join(', ')}`);
    }
  }
  return Object.fromEntries(
    Object.entries(SETTINGS).map(([key, row]: [string, Setting<unknown>]) => [key, readSetting(env, row)]),
  ) as Settings;
}

function readSetting<T>(env: NodeJS.ProcessEnv, row: Setting<T>): T {
  const raw = env[row.name];
  if (raw === undefined || raw.trim() === '') return row.fallback;
  if (row.onlyWith && env[row.onlyWith.name]?.trim() !== row.onlyWith.value) return row.fallback;
  return row.parser.parse(raw, row.name);
}
